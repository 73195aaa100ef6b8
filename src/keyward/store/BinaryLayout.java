package keyward.store;

/**
 * The two byte layouts of records in binary form. Both write the same primitives big-endian in
 * the same field order; they differ only in how a null string or blob is marked and in their
 * bounds. Both are kept as they are because both are on disk: backups in one, objects in Redis in
 * the other.
 *
 * <pre>
 *            str / bytes                                  time
 * BACKUP     i32 n (-1: null) | n bytes                    u8 0 (null) | u8 1, i64 epoch second, i32 nano
 * REDIS      u8 0 (null) | u8 1, i32 n | n bytes           (same)
 *
 * bool = u8 (0 false, else true)    i32, i64 = big-endian    list = i32 count | count items
 * </pre>
 */
public enum BinaryLayout {
    /** Backup files (ops): blobs up to 32 MiB, lists up to 1,000,000 items. */
    BACKUP(false, 32 << 20, 1_000_000),
    /** Objects sealed into Redis: blobs up to 16 MiB, lists up to 100,000 items. */
    REDIS(true, 16 << 20, 100_000);

    /** Strings are at most 1 MiB of UTF-8 in both layouts. */
    static final int MAX_STRING = 1 << 20;

    final boolean presenceByte;
    final int maxBytes;
    final int maxItems;

    BinaryLayout(boolean presenceByte, int maxBytes, int maxItems) {
        this.presenceByte = presenceByte;
        this.maxBytes = maxBytes;
        this.maxItems = maxItems;
    }
}
