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
        return of(keys, "key") + " (" + of(versions, "version") + "), " + of(users, "user") + ", " + of(tokens, "token")
                + ", " + of(audit, "audit entry") + ", " + of(checkpoints, "audit checkpoint") + ", "
                + of(meta, "metadata entry");
    }

    /** "1 key", "2 keys", "3 audit entries": counts in progress lines and messages. */
    static String of(long n, String singular) {
        if (n == 1) {
            return "1 " + singular;
        }
        int last = singular.length() - 1;
        boolean consonantY = singular.endsWith("y") && last > 0 && "aeiou".indexOf(singular.charAt(last - 1)) < 0;
        return n + " " + (consonantY ? singular.substring(0, last) + "ies" : singular + "s");
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
