package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import keyward.TestNode;
import keyward.crypto.Kek;
import keyward.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backup file on its own: exact round trip, and refusal of every alteration, cut and splice. */
class BackupFileTest {
    private static final int SMALL_CHUNK = 512;

    private Path dir;
    private Kek kek;
    private Store source;
    private Path file;
    private byte[] bytes;

    @BeforeEach
    void backUpAFullDeployment() throws IOException {
        dir = Fixture.tempDir();
        kek = Kek.generate();
        source = Fixture.sqlite(dir.resolve("source.db"));
        Fixture.populate(source, kek, 4);
        file = dir.resolve("deployment.kwbackup");
        Backup.write(source, kek, file, SMALL_CHUNK, line -> { });
        bytes = Files.readAllBytes(file);
    }

    @AfterEach
    void cleanUp() {
        source.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void restore_intoAnEmptyStore_givesEveryRecordBackExactly() {
        try (Store target = Fixture.sqlite(dir.resolve("target.db"))) {
            Counts n = Restore.into(target, kek, file, false, line -> { });
            assertEquals(new Counts(3, 2, 2, 5, 7, 7, 1), n);
            assertEquals(Snapshot.of(source), Snapshot.of(target));
        }
    }

    @Test
    void backupFile_isPrivate_spansSeveralChunks_andShowsNoPlaintext() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(chunkOffsets().size() >= 4, "expected several chunks, got " + chunkOffsets().size());
        String asText = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String clear : List.of("alice", "payments", "aes-256-gcm", "node-a", "billing")) {
            assertFalse(asText.contains(clear), clear + " is readable in the backup file");
        }
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains(Fixture.MARKER));
    }

    @Test
    void everyFlippedByte_isRefused() {
        for (int i = 0; i < bytes.length; i++) {
            byte[] bad = bytes.clone();
            bad[i] ^= 0x01;
            assertRefused(bad, "byte " + i + " flipped");
        }
    }

    @Test
    void everyTruncation_andAnExtraByte_isRefused() {
        for (int n = 0; n < bytes.length; n++) {
            assertRefused(Arrays.copyOf(bytes, n), "cut to " + n + " bytes");
        }
        assertRefused(Arrays.copyOf(bytes, bytes.length + 1), "one byte appended");
    }

    @Test
    void reorderedDroppedOrForeignChunks_areRefused() throws IOException {
        List<byte[]> chunks = chunks(bytes);
        byte[] header = Arrays.copyOf(bytes, chunkOffsets().get(0));
        List<byte[]> swapped = new ArrayList<>(chunks);
        swapped.set(1, chunks.get(2));
        swapped.set(2, chunks.get(1));
        assertRefused(join(header, swapped), "chunks 1 and 2 swapped");
        List<byte[]> dropped = new ArrayList<>(chunks);
        dropped.remove(1);
        assertRefused(join(header, dropped), "chunk 1 dropped");
        assertRefused(join(header, chunks.subList(0, chunks.size() - 1)), "last chunk dropped");

        Path other = dir.resolve("other.kwbackup");
        Backup.write(source, kek, other, SMALL_CHUNK, line -> { });
        List<byte[]> foreign = new ArrayList<>(chunks);
        foreign.set(1, chunks(Files.readAllBytes(other)).get(1));
        assertRefused(join(header, foreign), "chunk 1 from another backup of the same data");
    }

    @Test
    void anotherMasterKey_isRefused_namingBothKeyIds() {
        Kek other = Kek.generate();
        OpsException e = assertThrows(OpsException.class, () -> Restore.verify(file, other));
        assertTrue(e.getMessage().contains(kek.id()) && e.getMessage().contains(other.id()), e.getMessage());
    }

    @Test
    void damagedBackup_leavesTheTargetUntouched() throws IOException {
        byte[] bad = bytes.clone();
        bad[bad.length - 3] ^= 0x40;
        Path damaged = dir.resolve("damaged.kwbackup");
        Files.write(damaged, bad);
        try (Store target = Fixture.sqlite(dir.resolve("target.db"))) {
            assertThrows(OpsException.class, () -> Restore.into(target, kek, damaged, false, line -> { }));
            assertTrue(StoreWalk.isEmpty(target));
        }
    }

    @Test
    void restore_intoANonEmptyStore_isRefused_unlessForced() {
        OpsException e = assertThrows(OpsException.class, () -> Restore.into(source, kek, file, false, line -> { }));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        Snapshot before = Snapshot.of(source);
        Restore.into(source, kek, file, true, line -> { });
        Snapshot after = Snapshot.of(source);
        assertEquals(before.keys().keySet(), after.keys().keySet());
        assertEquals(before.users(), after.users());
        assertEquals(before.tokens(), after.tokens());
        assertEquals(before.audit(), after.audit());
    }

    @Test
    void existingFile_isNeverOverwritten() {
        OpsException e = assertThrows(OpsException.class, () -> Backup.write(source, kek, file, line -> { }));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    private void assertRefused(byte[] candidate, String what) {
        assertThrows(OpsException.class, () -> Restore.read(new ByteArrayInputStream(candidate), "test", kek, Sink.NONE),
                what + " was accepted");
    }

    /** Offsets of every chunk: after the header, each is flag u8 | u32 n | n bytes. */
    private List<Integer> chunkOffsets() throws IOException {
        int at = BackupHeader.parse(new ByteArrayInputStream(bytes), "test").bytes().length;
        List<Integer> offsets = new ArrayList<>();
        while (at < bytes.length) {
            offsets.add(at);
            at += 5 + ByteBuffer.wrap(bytes, at + 1, 4).getInt();
        }
        return offsets;
    }

    private static List<byte[]> chunks(byte[] file) throws IOException {
        int at = BackupHeader.parse(new ByteArrayInputStream(file), "test").bytes().length;
        List<byte[]> out = new ArrayList<>();
        while (at < file.length) {
            int end = at + 5 + ByteBuffer.wrap(file, at + 1, 4).getInt();
            out.add(Arrays.copyOfRange(file, at, end));
            at = end;
        }
        return out;
    }

    private static byte[] join(byte[] header, List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
