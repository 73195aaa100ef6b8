package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.TestNode;
import keyward.config.Config;
import keyward.crypto.Kek;
import keyward.server.Stores;
import keyward.store.Store;
import org.junit.jupiter.api.Test;

/** {@code keyward backup} and {@code keyward restore} on a deployment made by a real server. */
class BackupCommandTest {

    @Test
    void backup_wipe_restore_givesTheSameDeployment_andEveryOldCiphertextDecrypts() throws IOException {
        Path out = Fixture.tempDir();
        try (TestNode node = TestNode.start()) {
            Workload work = Workload.run(node);
            node.stop();
            Snapshot before;
            try (Store s = open(node.dir)) {
                Fixture.audit(s);
                before = Snapshot.of(s);
            }
            Path file = out.resolve("keyward.kwbackup");
            Cmd backup = Cmd.ok("backup", "--data-dir", node.dir.toString(), "--out", file.toString());
            assertTrue(backup.out().contains("backup written to " + file), backup.out());

            wipeDatabase(node.dir);
            Cmd restore = Cmd.ok("restore", "--data-dir", node.dir.toString(), "--in", file.toString());
            assertTrue(restore.out().contains("counts verified"), restore.out());
            try (Store s = open(node.dir)) {
                assertEquals(before, Snapshot.of(s));
            }
            try (TestNode again = TestNode.startIn(node.dir, false)) {
                work.checkAll(again);
            }
        } finally {
            TestNode.deleteTree(out);
        }
    }

    @Test
    void restore_refusesADamagedFile_aNonEmptyDatabase_andAnotherMasterKey() throws IOException {
        Path out = Fixture.tempDir();
        try (TestNode node = TestNode.start()) {
            Workload.run(node);
            node.stop();
            String dir = node.dir.toString();
            Path file = out.resolve("keyward.kwbackup");
            Cmd.ok("backup", "--data-dir", dir, "--out", file.toString());

            Cmd notEmpty = Cmd.run("restore", "--data-dir", dir, "--in", file.toString());
            assertEquals(1, notEmpty.code());
            assertTrue(notEmpty.err().contains("not empty"), notEmpty.err());

            wipeDatabase(node.dir);
            byte[] bytes = Files.readAllBytes(file);
            Path flipped = out.resolve("flipped.kwbackup");
            bytes[bytes.length / 2] ^= 0x04;
            Files.write(flipped, bytes);
            Cmd damaged = Cmd.run("restore", "--data-dir", dir, "--in", flipped.toString());
            assertEquals(1, damaged.code());
            assertTrue(damaged.err().contains("damaged"), damaged.err());
            Path truncated = out.resolve("truncated.kwbackup");
            Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(file), bytes.length - 40));
            Cmd cut = Cmd.run("restore", "--data-dir", dir, "--in", truncated.toString());
            assertEquals(1, cut.code());
            assertTrue(cut.err().contains("truncated") || cut.err().contains("damaged"), cut.err());

            Path otherDir = out.resolve("other");
            Files.createDirectories(otherDir);
            Kek.generate().save(otherDir.resolve("kek.key"));
            Cmd foreign = Cmd.run("restore", "--data-dir", otherDir.toString(), "--in", file.toString());
            assertEquals(1, foreign.code());
            assertTrue(foreign.err().contains("was made under master key"), foreign.err());

            Cmd.ok("restore", "--data-dir", dir, "--in", file.toString());
        } finally {
            TestNode.deleteTree(out);
        }
    }

    @Test
    void aBackupMadeBeforeRotateKek_restoresAfterIt_andItsCiphertextsDecrypt() throws IOException {
        Path out = Fixture.tempDir();
        try (TestNode node = TestNode.start()) {
            Workload work = Workload.run(node);
            node.stop();
            String dir = node.dir.toString();
            Path file = out.resolve("before-rotation.kwbackup");
            Cmd.ok("backup", "--data-dir", dir, "--out", file.toString());
            String oldKek = Kek.load(node.dir.resolve("kek.key")).id();

            Cmd rotate = Cmd.ok("rotate-kek", "--data-dir", dir, "--switch-wait-ms=0");
            Path retired = node.dir.resolve("kek." + oldKek + ".key");
            assertTrue(Files.exists(retired), "rotate-kek kept the old KEK: " + rotate.out());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(retired)));
            assertTrue(rotate.out().contains("copy " + node.dir.resolve("kek.key") + " and " + retired.getFileName()),
                    rotate.out());
            String newKek = Kek.load(node.dir.resolve("kek.key")).id();

            wipeDatabase(node.dir);
            Cmd restore = Cmd.ok("restore", "--data-dir", dir, "--in", file.toString());
            assertTrue(restore.out().contains("from the retired master key " + oldKek + " to the current " + newKek),
                    restore.out());
            try (Store s = open(node.dir)) {
                assertEquals(0, keyward.core.KekRotation.countUnder(s, oldKek), "nothing left under the retired KEK");
            }
            Files.delete(retired); // the restored database needs only today's KEK
            try (TestNode again = TestNode.startIn(node.dir, false)) {
                work.checkAll(again);
            }

            wipeDatabase(node.dir);
            Cmd without = Cmd.run("restore", "--data-dir", dir, "--in", file.toString());
            assertEquals(1, without.code());
            assertTrue(without.err().contains(retired.getFileName() + " (kept by rotate-kek) is not here"), without.err());
        } finally {
            TestNode.deleteTree(out);
        }
    }

    @Test
    void passphraseDeployment_restoresIntoANewDatabase_withTheSaltFromTheHeader() throws IOException {
        Path dir = Fixture.tempDir();
        try {
            Path pass = dir.resolve("passphrase");
            Files.writeString(pass, "correct horse battery staple\n");
            String d = dir.toString();
            String kek = "--kek-passphrase-file=" + pass;
            TestNode.init(dir, kek);
            Path file = dir.resolve("keyward.kwbackup");
            Cmd.ok("backup", "--data-dir", d, kek, "--out", file.toString());
            Path fresh = dir.resolve("fresh.db");
            Cmd.ok("restore", "--data-dir", d, kek, "--sqlite-path=" + fresh, "--in", file.toString());
            try (Store before = open(dir); Store after = open(dir, "--sqlite-path=" + fresh)) {
                assertEquals(Snapshot.of(before), Snapshot.of(after));
                assertTrue(Snapshot.of(after).meta().containsKey("kek.salt"));
            }
        } finally {
            TestNode.deleteTree(dir);
        }
    }

    static Store open(Path dataDir, String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir=" + dataDir));
        args.addAll(List.of(flags));
        Store s = Stores.create(Config.load(args, Map.of()));
        s.open();
        return s;
    }

    private static void wipeDatabase(Path dir) throws IOException {
        for (String f : List.of("keyward.db", "keyward.db-wal", "keyward.db-shm")) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }
}
