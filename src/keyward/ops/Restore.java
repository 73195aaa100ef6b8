package keyward.ops;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import keyward.crypto.Kek;
import keyward.store.Store;

/**
 * Reads backups made by {@link Backup}. A restore first opens every chunk and record without
 * writing anything, so a damaged, truncated or foreign file leaves the target untouched; then it
 * writes everything and verifies the target's counts against the backup's. Stateless and thread-safe;
 * run one restore per target at a time.
 */
public final class Restore {
    private Restore() {
    }

    /**
     * Opens every chunk and decodes every record of {@code file}; returns what it holds.
     *
     * @throws OpsException if the file is damaged, truncated, extended or made under another KEK
     */
    public static Counts verify(Path file, Kek kek) {
        return read(file, kek, Sink.NONE);
    }

    /**
     * Restores {@code file} into {@code to}, which must be empty unless {@code force} (then the
     * backup's records are written on top, see {@link StoreSink}). Returns the backup's counts,
     * which the target then holds (with {@code force}, at least).
     *
     * @throws OpsException if the file does not open with {@code kek}, the target is not empty, or
     *                      the counts do not match afterwards
     */
    public static Counts into(Store to, Kek kek, Path file, boolean force, Consumer<String> out) {
        Progress progress = new Progress("restore", out);
        BackupHeader header = BackupHeader.read(file);
        if (!header.kekId().equals(kek.id())) {
            throw new OpsException("backup " + file + " was made under master key " + header.kekId()
                    + ", but this node's master key is " + kek.id() + "; configure the deployment's kek.key"
                    + " (or passphrase) that made it");
        }
        if (!force && !StoreWalk.isEmpty(to)) {
            throw new OpsException("the target database is not empty; restore into an empty database, or use"
                    + " --force to write the backup on top of what is there");
        }
        progress.say("checking every chunk of " + file + " (made " + header.created() + ")");
        Counts expected = verify(file, kek);
        progress.say("it holds " + expected.describe());
        read(file, kek, new StoreSink(to, force, progress));
        StoreSink.refreshStatistics(to, progress);
        progress.say("verifying counts");
        Counts there = StoreWalk.run(to, Sink.NONE, Progress.quiet(), true).counts();
        if (force ? !there.covers(expected) : !there.equals(expected)) {
            throw new OpsException("after the restore the database holds " + there.describe()
                    + ", but the backup holds " + expected.describe());
        }
        return expected;
    }

    private static Counts read(Path file, Kek kek, Sink sink) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            return read(raw, file.toString(), kek, sink);
        } catch (NoSuchFileException e) {
            throw new OpsException("backup " + file + " does not exist");
        } catch (IOException e) {
            throw new OpsException("backup " + file + " cannot be read: " + keyward.log.Log.reason(e));
        }
    }

    /** Reads a whole backup from {@code raw} into {@code sink}; {@code name} is for messages. */
    static Counts read(InputStream raw, String name, Kek kek, Sink sink) {
        try {
            BackupHeader.Parsed header = BackupHeader.parse(raw, name);
            if (!header.header().kekId().equals(kek.id())) {
                throw new OpsException("backup " + name + " was made under master key " + header.header().kekId()
                        + ", but this node's master key is " + kek.id());
            }
            ChunkReader chunks = new ChunkReader(raw, kek, header, name);
            return BackupFile.replay(new DataInputStream(chunks), sink, name);
        } catch (IOException e) {
            throw new OpsException("backup " + name + " is damaged (" + e.getMessage() + ")");
        }
    }
}
