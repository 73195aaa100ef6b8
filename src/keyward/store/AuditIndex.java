package keyward.store;

/**
 * A snapshot of the position index that audit listings filtered by key or user read, for
 * {@code keyward verify-audit} to check: someone who deletes its rows would otherwise hide entries
 * from those listings while the hash chains stay intact. Taken after the entries it is checked
 * against were stored; immutable.
 */
public interface AuditIndex {

    /**
     * The highest seq of {@code node} whose entries filtered listings find only through the index;
     * entries after it are found by reading the node's newest entries directly.
     */
    long indexedThrough(String node);

    /**
     * Whether a listing by {@code kind} ("key" or "user") = {@code ref} reads the entry at
     * {@code position}.
     */
    boolean finds(String kind, String ref, long position);

    /** How the index names itself in a message, e.g. "kw_audit_refs". */
    String name();
}
