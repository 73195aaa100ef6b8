package keyward.ops;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;
import keyward.crypto.Kek;
import keyward.crypto.Rand;
import keyward.store.Store;

/**
 * Writes a backend-neutral, encrypted backup of a whole deployment (format in {@link BackupFile}).
 *
 * <p>Guarantees: the file appears only complete (written beside it, synced, checked by opening
 * every chunk, then renamed into place, never over an existing file) with mode 0600; it holds
 * every key with all its versions, every user, token hash, audit entry and checkpoint, and the
 * deployment metadata; and it is consistent: if a key, user or token changed while it was
 * written, it is written again, up to {@value #ATTEMPTS} times. The source store is only read.
 * Safe to run while servers use the store. Stateless and thread-safe.
 */
public final class Backup {
    static final int ATTEMPTS = 3;

    private Backup() {
    }

    /**
     * Backs up {@code from} into the new file {@code file} under {@code kek} (the deployment's
     * primary KEK). Returns what it holds.
     *
     * @throws OpsException if the file exists, or the deployment kept changing
     */
    public static Counts write(Store from, Kek kek, Path file, Consumer<String> progress) {
        return write(from, kek, file, BackupFile.DEFAULT_CHUNK, progress);
    }

    static Counts write(Store from, Kek kek, Path file, int chunkSize, Consumer<String> out) {
        if (Files.exists(file)) {
            throw new OpsException("backup file " + file + " already exists; choose another name or delete it first");
        }
        Progress progress = new Progress("backup", out);
        byte[] salt = from.getMeta("kek.salt").filter(s -> s.length == 16).orElse(null);
        Path dir = file.toAbsolutePath().getParent();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path tmp = createPrivate(dir);
            try {
                BackupHeader.Parsed header = new BackupHeader(BackupHeader.FORMAT, kek.id(),
                        HexFormat.of().formatHex(Rand.bytes(16)), Instant.now(), salt, chunkSize).write();
                StoreWalk.Result written = writeTo(tmp, from, kek, header, progress);
                StoreWalk.Result after = StoreWalk.run(from, Sink.NONE, Progress.quiet(), false);
                if (!Arrays.equals(written.fingerprint(), after.fingerprint())) {
                    progress.say("keys, users or tokens changed while they were copied; starting again (attempt "
                            + (attempt + 1) + " of " + ATTEMPTS + ")");
                    continue;
                }
                progress.say("checking every chunk of the new file");
                Counts check = Restore.verify(tmp, kek);
                if (!check.equals(written.counts())) {
                    throw new OpsException("backup " + file + " did not read back as written");
                }
                // no REPLACE_EXISTING: a file that appeared meanwhile is refused, never overwritten
                Files.move(tmp, file);
                return written.counts();
            } catch (FileAlreadyExistsException e) {
                throw new OpsException("backup file " + file + " already exists; choose another name or delete it first");
            } catch (IOException e) {
                throw new UncheckedIOException("backup " + file + ": " + keyward.log.Log.reason(e), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
        throw new OpsException("keys, users or tokens kept changing during " + ATTEMPTS + " backup attempts; run the"
                + " backup at a quieter moment, or with the servers stopped");
    }

    private static StoreWalk.Result writeTo(Path tmp, Store from, Kek kek, BackupHeader.Parsed header, Progress progress)
            throws IOException {
        StoreWalk.Result r;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE))) {
            file.write(header.bytes());
            ChunkWriter chunks = new ChunkWriter(file, kek, header);
            BackupFile.RecordWriter records = new BackupFile.RecordWriter(new BufferedOutputStream(chunks, 64 * 1024));
            try {
                r = StoreWalk.run(from, records, progress, true);
                records.end(r.counts());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            chunks.close();
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return r;
    }

    private static Path createPrivate(Path dir) {
        try {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            try {
                return Files.createTempFile(dir, ".keyward-backup-", ".part", ownerOnly);
            } catch (UnsupportedOperationException e) {
                return Files.createTempFile(dir, ".keyward-backup-", ".part");
            }
        } catch (IOException e) {
            throw new OpsException("cannot create a file in " + dir + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a left-over .part file is harmless: it is encrypted and named as temporary
        }
    }
}
