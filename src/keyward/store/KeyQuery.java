package keyward.store;

import java.util.List;

/**
 * Locate filters. Every non-null filter must match; {@code tags} must all be present.
 * Results are ordered by key id ascending; {@code after} is the last id of the previous page.
 *
 * @param visibleTo if non-null, only keys this user owns or holds a grant on (including a "*" grant)
 * @param limit     1..1000
 */
public record KeyQuery(List<String> tags, String name, String algorithm, KeyState state, String owner,
                       String visibleTo, int limit, String after) {

    public KeyQuery {
        tags = List.copyOf(tags);
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000");
        }
    }

    /** Every key, one page at a time: for jobs, backup, KEK rotation. */
    public static KeyQuery all(int limit, String after) {
        return new KeyQuery(List.of(), null, null, null, null, null, limit, after);
    }
}
