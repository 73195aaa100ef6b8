package keyward.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one DAO contract every backend implements (SQLite, PostgreSQL, MySQL/MariaDB, Redis with
 * the encrypted index). The store sees only wrapped key material and never calls a cipher on it.
 *
 * <p>Guarantees every implementation gives, checked by the storage conformance suite:
 * <ul>
 *   <li>each method is atomic: a key is written with its versions, tags and grants as one unit;</li>
 *   <li>an acknowledged write survives a crash of the process;</li>
 *   <li>{@link #updateKey} is a compare-and-set on {@link KeyRecord#rowVersion()}: two writers never
 *       lose each other's update, the loser gets {@link ConflictException.Kind#STALE};</li>
 *   <li>key names are unique across live keys ({@link ConflictException.Kind#NAME_TAKEN});</li>
 *   <li>an unreachable database raises {@link StoreUnavailableException} within the configured
 *       timeout, and the store recovers by itself when the database is back.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    /** Creates or upgrades the schema (versioned, under a database lock). Idempotent. */
    void open();

    /** True when the database answers now. Never throws. */
    boolean ping();

    /** A short name for logs and /ready: "sqlite", "postgresql", "mysql", "redis-findex". */
    String kind();

    @Override
    void close();

    // ---- deployment metadata: canary, salts, wrapped wrapping key, node identities ----

    Optional<byte[]> getMeta(String name);

    /** Stores the value only if the name is not set yet; true if this call stored it. */
    boolean putMetaIfAbsent(String name, byte[] value);

    void putMeta(String name, byte[] value);

    // ---- keys ----

    /** Inserts a new key; its rowVersion is stored as given (normally 1). */
    void insertKey(KeyRecord key) throws ConflictException;

    Optional<KeyRecord> findKey(String id);

    Optional<KeyRecord> findKeyByName(String name);

    /**
     * Replaces the key whose stored rowVersion equals {@code key.rowVersion()}, storing it with
     * rowVersion + 1 (versions, tags, grants replaced as given). Returns what was stored.
     *
     * @throws ConflictException STALE if the row changed or vanished, NAME_TAKEN on a rename clash
     */
    KeyRecord updateKey(KeyRecord key) throws ConflictException;

    /** The most keys one {@link #insertKeys} or {@link #updateKeys} call takes. */
    int MAX_BULK_KEYS = 1000;

    /**
     * Inserts new keys as {@link #insertKey} inserts one, for bulk copies (restore, migrate), in
     * far fewer round trips. The SQL stores write them in one transaction: all or none. Redis writes
     * each key atomically and pipelines them: on a refusal, the other keys of the call may be stored.
     *
     * @throws ConflictException ALREADY_EXISTS or NAME_TAKEN, naming a refused key
     * @throws IllegalArgumentException for more than {@link #MAX_BULK_KEYS} keys
     */
    default void insertKeys(List<KeyRecord> keys) throws ConflictException {
        checkBulk(keys);
        for (KeyRecord k : keys) {
            insertKey(k);
        }
    }

    /**
     * After a bulk load (restore, migration, a replication refresh): lets the database's planner
     * learn the new table sizes now rather than when its background statistics catch up. Until
     * then PostgreSQL plans a fresh table as if it were small and reads whole tables for lookups
     * of a thousand ids. Does nothing where there is no planner to tell (SQLite, Redis).
     */
    default void refreshStatistics() {
    }

    /**
     * How many key versions (not destroyed) are wrapped under {@code kekId}: zero once a KEK
     * rotation away from it is done. This default reads every key a page at a time; the SQL stores
     * count in the database.
     */
    default long countVersionsUnder(String kekId) {
        long n = 0;
        String after = null;
        do {
            KeyPage page = locate(KeyQuery.all(MAX_BULK_KEYS, after));
            for (KeyRecord k : page.keys()) {
                for (KeyVersion v : k.versions()) {
                    if (!v.destroyed() && v.kekId().equals(kekId)) {
                        n++;
                    }
                }
            }
            after = page.next();
        } while (after != null);
        return n;
    }

    /**
     * {@link #updateKeys} for keys whose versions changed only in their KEK and wrapped material (a
     * KEK rotation re-wrapping what it read): same compare-and-set, same answer. The SQL stores
     * write just the row version and those two columns of each version, not the whole key; other
     * changes in {@code keys} are not written there, so pass nothing else.
     */
    default List<String> rewrapKeys(List<KeyRecord> keys) throws ConflictException {
        return updateKeys(keys);
    }

    /**
     * A compare-and-set of each key as {@link #updateKey} does, for bulk rewrites (KEK rotation): a
     * key whose stored rowVersion still equals its rowVersion is stored with rowVersion + 1; any
     * other (changed meanwhile, or gone) is left as it is and its id returned, to be read again.
     * The SQL stores write the call in one transaction; Redis writes each key atomically, pipelined.
     *
     * @throws ConflictException NAME_TAKEN on a rename clash (the SQL stores then stored none of them)
     * @throws IllegalArgumentException for more than {@link #MAX_BULK_KEYS} keys
     */
    default List<String> updateKeys(List<KeyRecord> keys) throws ConflictException {
        checkBulk(keys);
        List<String> stale = new java.util.ArrayList<>();
        for (KeyRecord k : keys) {
            try {
                updateKey(k);
            } catch (ConflictException e) {
                if (e.kind() != ConflictException.Kind.STALE) {
                    throw e;
                }
                stale.add(k.id());
            }
        }
        return stale;
    }

    /** Refuses a bulk call over {@link #MAX_BULK_KEYS} keys. */
    static void checkBulk(List<KeyRecord> keys) {
        if (keys.size() > MAX_BULK_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_BULK_KEYS + " keys per bulk write; got " + keys.size());
        }
    }

    /** Locate; see {@link KeyQuery}. */
    KeyPage locate(KeyQuery query);

    /** Ids of keys in state pending_destruction whose destroyAt is at or before {@code now}. */
    List<String> dueForDestruction(Instant now, int limit);

    /** Ids of active keys with autoRotatePeriod &gt; 0 whose rotatedAt + period is at or before {@code now}. */
    List<String> dueForRotation(Instant now, int limit);

    // ---- users and tokens ----

    void insertUser(UserRecord user) throws ConflictException;

    Optional<UserRecord> findUser(String name);

    List<UserRecord> listUsers();

    /** Deletes the user, all its tokens and all grants naming it. False if there was no such user. */
    boolean deleteUser(String name);

    void insertToken(TokenRecord token);

    /** The token whose stored hash equals {@code hash} (exact match on the HMAC), if any. */
    Optional<TokenRecord> findTokenByHash(byte[] hash);

    List<TokenRecord> listTokens(String user);

    boolean deleteToken(String user, String tokenId);

    // ---- audit ----

    /** Appends entries in order, assigning positions. (node, seq) is unique: ALREADY_EXISTS on a clash. */
    default void appendAudit(List<AuditRecord> entries) throws ConflictException {
        appendAudit(entries, null);
    }

    /**
     * Appends entries as {@link #appendAudit(List)} does and stores {@code checkpoint} (null: none)
     * in the same atomic write: both are stored or neither.
     */
    void appendAudit(List<AuditRecord> entries, AuditCheckpoint checkpoint) throws ConflictException;

    List<AuditRecord> listAudit(AuditQuery query);

    /** The entry with the highest seq of that node, to continue its chain after a restart. */
    Optional<AuditRecord> lastAudit(String node);

    /** Every node that has audit entries. */
    List<String> auditNodes();

    void putCheckpoint(AuditCheckpoint checkpoint);

    /** Checkpoints of one node, ascending by seq. */
    List<AuditCheckpoint> checkpoints(String node);

    /**
     * The position index that listings by key or user read, as stored now, for the audit verifier;
     * null where listings do not depend on one a database administrator could thin out unnoticed.
     */
    default AuditIndex auditIndex() {
        return null;
    }

    /** The checkpoint with the highest seq of every node with audit entries and checkpoints. */
    default List<AuditCheckpoint> newestCheckpoints() {
        List<AuditCheckpoint> out = new java.util.ArrayList<>();
        for (String node : auditNodes()) {
            List<AuditCheckpoint> cps = checkpoints(node);
            if (!cps.isEmpty()) {
                out.add(cps.get(cps.size() - 1));
            }
        }
        return out;
    }

    // ---- jobs ----

    /**
     * Claims (or renews) the named lease for {@code holder} until now + {@code lease}; true if the
     * caller holds it afterwards. Periodic work done under a lease runs once per deployment.
     */
    boolean claimLease(String name, String holder, Instant now, Duration lease);

    // ---- peer replication ----

    /**
     * The replication side of this store (changelog, version vector, merged writes), if this
     * backend can replicate; the SQL stores can, Redis cannot.
     */
    default Optional<Replica> replica() {
        return Optional.empty();
    }

    /** This store's connection pools, as live views for metrics; none if it pools nothing. */
    default List<PoolUsage> pools() {
        return List.of();
    }
}
