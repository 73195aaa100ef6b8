package keyward.ops;

import java.util.Arrays;
import java.util.function.Consumer;
import keyward.store.Store;

/**
 * Copies a whole deployment from one store to another through the {@link Store} contract, so any
 * backend moves to any other: keys with all versions (material stays KEK-wrapped, so the KEK is
 * not needed to copy), users, token hashes, audit entries, checkpoints and metadata.
 *
 * <p>The target must be empty unless {@code force}. Afterwards the source is walked again: if a
 * key, user or token changed during the copy the migration fails (servers were still writing);
 * then the target's counts are compared with what was copied. Stateless and thread-safe; run one
 * migration per target at a time.
 */
public final class Migration {
    private Migration() {
    }

    /**
     * Copies {@code from} into {@code to}; returns what was copied.
     *
     * @throws OpsException if the target is not empty, the source changed, or counts differ afterwards
     */
    public static Counts copy(Store from, Store to, boolean force, Consumer<String> out) {
        Progress progress = new Progress("migrate", out);
        if (!force && !StoreWalk.isEmpty(to)) {
            throw new OpsException("the target database is not empty; migrate into an empty database, or use"
                    + " --force to copy on top of what is there");
        }
        StoreWalk.Result copied = StoreWalk.run(from, new StoreSink(to, force, Progress.quiet()), progress, true);
        StoreWalk.Result again = StoreWalk.run(from, Sink.NONE, Progress.quiet(), false);
        if (!Arrays.equals(copied.fingerprint(), again.fingerprint())) {
            throw new OpsException("keys, users or tokens of the source changed during the migration; stop every"
                    + " server using it, then run the migration again with --force");
        }
        StoreSink.refreshStatistics(to, progress);
        progress.say("verifying counts");
        Counts there = StoreWalk.run(to, Sink.NONE, Progress.quiet(), true).counts();
        if (force ? !there.covers(copied.counts()) : !there.equals(copied.counts())) {
            throw new OpsException("after the migration the target holds " + there.describe()
                    + ", but the source held " + copied.counts().describe());
        }
        return copied.counts();
    }
}
