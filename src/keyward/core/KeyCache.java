package keyward.core;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import keyward.crypto.KeyMaterial;
import keyward.store.KeyRecord;
import keyward.store.Store;
import keyward.time.Clock;

/**
 * A bounded-staleness read cache of key records and of their unwrapped material.
 *
 * <p>A record is served from the cache for at most {@code ttlNanos} after it was read from the
 * store, so a revocation, destruction or grant change made through another instance takes effect
 * here within that bound (design.md, shared-database HA rules). Writes through this instance
 * replace the entry at once. Unwrapped material is only ever handed out for a version present and
 * not destroyed in a record that is itself fresh, so the material cache adds no staleness.
 * Thread-safe; the maps are bounded by clearing when full (cheap, and rare at normal key counts).
 * Material is held per key, so that forgetting one key (each change replication applies) costs
 * the same whatever the number of keys cached, not a walk over all of them.
 */
final class KeyCache {
    private static final int MAX_ENTRIES = 50_000;

    private record Entry(KeyRecord key, long loadedAt) {
    }

    private record NameEntry(String id, long loadedAt) {
    }

    /** One version's material under one KEK, within the materials of its key. */
    private record MaterialId(int kid, String kekId) {
    }

    private final Store store;
    private final long ttlNanos;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, NameEntry> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<MaterialId, KeyMaterial>> material = new ConcurrentHashMap<>();

    KeyCache(Store store, long ttlMillis, Clock clock) {
        this.store = store;
        this.ttlNanos = ttlMillis * 1_000_000L;
        this.clock = clock;
    }

    /** The key named by id (UUID form) or name, at most ttl stale. */
    Optional<KeyRecord> find(String ref) {
        long now = clock.nanos();
        if (Names.isUuid(ref)) {
            return findById(ref.toLowerCase(java.util.Locale.ROOT), now);
        }
        NameEntry n = byName.get(ref);
        if (n != null && now - n.loadedAt < ttlNanos) {
            Optional<KeyRecord> k = findById(n.id, now);
            if (k.isPresent() && ref.equals(k.get().name())) {
                return k;
            }
        }
        Optional<KeyRecord> k = store.findKeyByName(ref);
        k.ifPresent(this::put);
        return k;
    }

    private Optional<KeyRecord> findById(String id, long now) {
        Entry e = byId.get(id);
        if (e != null && now - e.loadedAt < ttlNanos) {
            return Optional.of(e.key);
        }
        Optional<KeyRecord> k = store.findKey(id);
        if (k.isPresent()) {
            put(k.get());
        } else {
            byId.remove(id);
        }
        return k;
    }

    /** Reads the key from the store, bypassing the cache (for read-modify-write). */
    Optional<KeyRecord> fresh(String id) {
        Optional<KeyRecord> k = store.findKey(id);
        k.ifPresentOrElse(this::put, () -> byId.remove(id));
        return k;
    }

    void put(KeyRecord k) {
        if (ttlNanos <= 0) {
            return;
        }
        if (byId.size() >= MAX_ENTRIES) {
            byId.clear();
            byName.clear();
        }
        long now = clock.nanos();
        byId.put(k.id(), new Entry(k, now));
        if (k.name() != null) {
            byName.put(k.name(), new NameEntry(k.id(), now));
        }
    }

    KeyMaterial material(String keyId, int kid, String kekId) {
        ConcurrentHashMap<MaterialId, KeyMaterial> ofKey = material.get(keyId);
        return ofKey == null ? null : ofKey.get(new MaterialId(kid, kekId));
    }

    /** Caches one version's material; bounded by {@code MAX_ENTRIES} keys (a key's versions are bounded). */
    void putMaterial(String keyId, int kid, String kekId, KeyMaterial m) {
        if (ttlNanos <= 0) {
            return;
        }
        if (material.size() >= MAX_ENTRIES) {
            material.clear();
        }
        material.computeIfAbsent(keyId, id -> new ConcurrentHashMap<>(4)).put(new MaterialId(kid, kekId), m);
    }

    /** Forgets everything about a key, including its unwrapped material (after destruction). */
    void forget(String keyId) {
        byId.remove(keyId);
        material.remove(keyId);
    }

    /** How many keys have material cached (tests). */
    int keysWithMaterial() {
        return material.size();
    }
}
