package keyward.ops;

/**
 * How much of a deployment a backup, restore or migration saw: what the verification at the end
 * compares. {@code meta} counts the deployment metadata entries present ({@code kek.canary},
 * {@code kek.salt}, {@code byok.key}); {@code versions} the key versions of all keys.
 */
public record Counts(long meta, long users, long tokens, long keys, long versions, long audit, long checkpoints) {

    /** True if every count here is at least the one in {@code other}. */
    public boolean covers(Counts other) {
        return meta >= other.meta && users >= other.users && tokens >= other.tokens && keys >= other.keys
                && versions >= other.versions && audit >= other.audit && checkpoints >= other.checkpoints;
    }

    /** One line for progress output, e.g. "12 keys (20 versions), 3 users, 4 tokens, ...". */
    public String describe() {
        return keys + " keys (" + versions + " versions), " + users + " users, " + tokens + " tokens, "
                + audit + " audit entries, " + checkpoints + " audit checkpoints, " + meta + " metadata entries";
    }

    /** A mutable tally, one owner at a time. */
    static final class Tally {
        long meta;
        long users;
        long tokens;
        long keys;
        long versions;
        long audit;
        long checkpoints;

        Counts counts() {
            return new Counts(meta, users, tokens, keys, versions, audit, checkpoints);
        }
    }
}
