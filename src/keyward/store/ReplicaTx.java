package keyward.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One transaction of a {@link Replica}, as replication sees it: raw reads and writes of keys,
 * users and tokens (no optimistic check: the caller has merged), the per-object replication
 * documents, the changelog and the version vector. Everything done through one instance commits
 * or rolls back together. Valid only inside the callback that received it; not thread-safe.
 *
 * <p>Database failures surface as the store's unchecked exceptions when the transaction ends.
 */
public interface ReplicaTx {

    /** The replication document of an object (kind "key", "user" or "token"), if any. */
    Optional<byte[]> doc(String kind, String objectId);

    /** Stores the object's document; tombstones are trimmed with the changelog. */
    void putDoc(String kind, String objectId, byte[] doc, boolean tombstone, Instant at);

    /** The documents of many objects of one kind, by object id; objects without one are left out. */
    Map<String, byte[]> docs(String kind, Collection<String> objectIds);

    /** Stores many documents at once, as {@link #putDoc} each; of an object named twice the last wins. */
    void putDocs(List<DocWrite> docs, Instant at);

    /** Ids of every object of {@code kind} that has a document. */
    List<String> docIds(String kind);

    /** Every (kind, object id, document), ordered by kind then id, after the given position. */
    List<DocRow> docsAfter(String kind, String objectId, int limit);

    Optional<KeyRecord> key(String id);

    /** The id of the key holding {@code name}, if any. */
    Optional<String> keyIdByName(String name);

    /** {@link #keyIdByName} for many names at once: the holders found, by name. */
    java.util.Map<String, String> keyIdsByName(Collection<String> names);

    List<String> keyIds();

    /**
     * Up to {@code limit} keys without a document of kind "key", in id order, the first one's id
     * above {@code afterId} ("" for the start).
     */
    List<KeyRecord> keysWithoutDoc(String afterId, int limit);

    /** Which of {@code ids} are stored keys. */
    Set<String> keysPresent(Collection<String> ids);

    /** Inserts many keys at once; none may be stored yet nor hold a name another key holds. */
    void insertKeys(List<KeyRecord> keys);

    /** Inserts the key, or replaces the stored one whatever its row version. */
    void putKey(KeyRecord key);

    List<UserRecord> users();

    /** Inserts or replaces the user row (tokens and grants untouched). */
    void putUser(UserRecord user);

    /** Removes the user row only. */
    void removeUser(String name);

    List<TokenRecord> tokens();

    /** Inserts or replaces the token (by user and id). */
    void putToken(TokenRecord token);

    void removeToken(String user, String tokenId);

    /** Appends a changelog row and moves the vector entry of {@code origin} up to {@code changeId}. */
    void append(String changeId, String origin, String kind, String objectId, byte[] payload, Instant at);

    /** Appends many changelog rows at once, as {@link #append} each (one vector move per origin). */
    void appendAll(List<ChangeRow> rows, Instant at);

    /**
     * Locks the vector entry of {@code origin} until the transaction ends (creating it at "0") and
     * returns its change id: writers of one origin take change ids one at a time, so they commit
     * in change-id order and a consumer never moves past a change still to commit.
     */
    String lockOrigin(String origin);

    /** Origin to highest applied change id. */
    Map<String, String> vector();

    /** One stored document. */
    record DocRow(String kind, String objectId, byte[] doc) {
    }

    /** One document to store: {@link #putDoc}'s arguments but the time. */
    record DocWrite(String kind, String objectId, byte[] doc, boolean tombstone) {
    }
}
