package keyward.store.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import keyward.store.ConflictException;
import keyward.store.KeyRecord;
import keyward.store.Permission;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * Key inserts, reads and compare-and-set updates. Thread-safe.
 *
 * <p>Order of writes: the index entries a write adds go first, then the object (with its name
 * claim) in one script that checks the generation, the previous value (by its SHA-1) and that a
 * new name is free; the entries it removes go last. A crash anywhere leaves the index a superset
 * of the truth, which the re-check in every search hides.
 */
final class KeyWrites {
    private static final int MAX_RETRIES = 5;

    private final SealedObjects objects;
    private final Findex findex;
    private final Generation generation;
    private final RedisKeys keys;
    /** Test hook: runs after a key's index entries are written and before its object is. */
    volatile Runnable afterIndexWrite = () -> { };

    KeyWrites(SealedObjects objects, Findex findex, Generation generation) {
        this.objects = objects;
        this.findex = findex;
        this.generation = generation;
        this.keys = objects.keys();
    }

    void insert(KeyRecord k) throws ConflictException {
        String obj = keyName(k.id());
        String claim = k.name() == null ? null : nameClaim(k.name());
        Map<String, List<Findex.Entry>> adds = Keywords.entries(Keywords.of(k), true, k.rowVersion(), k.id());
        int failed = objects.withView(v -> {
            findex.append(v, adds);
            afterIndexWrite.run();
            List<SealedObjects.Check> checks = new ArrayList<>(List.of(new SealedObjects.Check(obj, null)));
            List<SealedObjects.Put> puts = new ArrayList<>(List.of(new SealedObjects.Put(obj, Records.key(k))));
            if (claim != null) {
                checks.add(new SealedObjects.Check(claim, null));
                puts.add(new SealedObjects.Put(claim, Records.text(Records.NAME_CLAIM, k.id())));
            }
            return objects.write(v, checks, puts);
        });
        if (failed == 1) {
            throw new ConflictException(ConflictException.Kind.ALREADY_EXISTS, "key " + k.id() + " already exists");
        }
        if (failed == 2) {
            throw nameTaken(k.name());
        }
    }

    /**
     * Inserts many keys as {@link #insert} inserts one, in a few round trips: the index entries of
     * them all first (merged per keyword list), then every key's object script in one pipeline.
     * Each key is atomic on its own; a refusal is thrown after the others are written.
     */
    void insertAll(List<KeyRecord> ks) throws ConflictException {
        List<KeyRecord> pending = ks;
        ConflictException refused = null;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == MAX_RETRIES) {
                throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
            }
            Generation.View v = generation.current();
            Map<String, List<Findex.Entry>> adds = new LinkedHashMap<>();
            List<SealedObjects.Write> writes = new ArrayList<>(pending.size());
            for (KeyRecord k : pending) {
                Keywords.merge(adds, Keywords.entries(Keywords.of(k), true, k.rowVersion(), k.id()));
                String obj = keyName(k.id());
                List<SealedObjects.Check> checks = new ArrayList<>(List.of(new SealedObjects.Check(obj, null)));
                List<SealedObjects.Put> puts = new ArrayList<>(List.of(new SealedObjects.Put(obj, Records.key(k))));
                if (k.name() != null) {
                    checks.add(new SealedObjects.Check(nameClaim(k.name()), null));
                    puts.add(new SealedObjects.Put(nameClaim(k.name()), Records.text(Records.NAME_CLAIM, k.id())));
                }
                writes.add(new SealedObjects.Write(checks, puts));
            }
            int[] failed;
            try {
                findex.append(v, adds);
                afterIndexWrite.run();
                failed = objects.writeAll(v, writes);
            } catch (Generation.ChangedException e) {
                generation.refresh();
                continue;
            }
            List<KeyRecord> again = new ArrayList<>();
            for (int i = 0; i < failed.length; i++) {
                KeyRecord k = pending.get(i);
                if (failed[i] == SealedObjects.GENERATION_CHANGED) {
                    again.add(k);
                } else if (failed[i] != 0 && refused == null) {
                    refused = failed[i] == 1 ? new ConflictException(ConflictException.Kind.ALREADY_EXISTS,
                            "key " + k.id() + " already exists") : nameTaken(k.name());
                }
            }
            if (!again.isEmpty()) {
                generation.refresh();
            }
            pending = again;
        }
        if (refused != null) {
            throw refused;
        }
    }

    /**
     * Compare-and-set of many keys as {@link #update} does one, in a few round trips: one MGET of
     * their objects, the added index entries of them all, every object script in one pipeline,
     * then the removed entries. Returns the ids of keys not at their rowVersion (left untouched).
     */
    List<String> updateAll(List<KeyRecord> ks) throws ConflictException {
        List<String> stale = new ArrayList<>();
        List<KeyRecord> pending = ks;
        ConflictException refused = null;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == MAX_RETRIES) {
                throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
            }
            Generation.View v = generation.current();
            List<SealedObjects.Stored> current = objects.getAll(pending.stream().map(k -> keyName(k.id())).toList());
            List<KeyRecord> writing = new ArrayList<>();
            List<SealedObjects.Write> writes = new ArrayList<>();
            Map<String, List<Findex.Entry>> adds = new LinkedHashMap<>();
            List<Map<String, List<Findex.Entry>>> removes = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                KeyRecord k = pending.get(i);
                SealedObjects.Stored cur = current.get(i);
                KeyRecord old = cur == null ? null : Records.key(cur.plain());
                if (old == null || old.rowVersion() != k.rowVersion() || !old.id().equals(k.id())) {
                    stale.add(k.id());
                    continue;
                }
                KeyRecord stored = withRowVersion(k, k.rowVersion() + 1);
                Set<String> before = Keywords.of(old);
                Set<String> after = Keywords.of(stored);
                Set<String> added = new HashSet<>(after);
                added.removeAll(before);
                Set<String> removed = new HashSet<>(before);
                removed.removeAll(after);
                Keywords.merge(adds, Keywords.entries(added, true, stored.rowVersion(), k.id()));
                removes.add(Keywords.entries(removed, false, stored.rowVersion(), k.id()));
                String obj = keyName(k.id());
                writing.add(k);
                writes.add(new SealedObjects.Write(checksFor(obj, cur, old, stored), putsFor(obj, old, stored)));
            }
            int[] failed;
            try {
                findex.append(v, adds);
                afterIndexWrite.run();
                failed = writes.isEmpty() ? new int[0] : objects.writeAll(v, writes);
            } catch (Generation.ChangedException e) {
                generation.refresh();
                pending = writing;
                continue;
            }
            List<KeyRecord> again = new ArrayList<>();
            Map<String, List<Findex.Entry>> removed = new LinkedHashMap<>();
            for (int i = 0; i < failed.length; i++) {
                KeyRecord k = writing.get(i);
                if (failed[i] == 0) {
                    Keywords.merge(removed, removes.get(i)); // only a stored write may remove its old entries
                } else if (failed[i] == SealedObjects.GENERATION_CHANGED) {
                    again.add(k);
                } else if (failed[i] == 1) {
                    stale.add(k.id());
                } else if (refused == null) {
                    refused = nameTaken(k.name());
                }
            }
            findex.appendFollowing(removed);
            if (!again.isEmpty()) {
                generation.refresh();
            }
            pending = again;
        }
        if (refused != null) {
            throw refused;
        }
        return stale;
    }

    Optional<KeyRecord> find(String id) {
        byte[] p = objects.plain(keyName(id));
        return p == null ? Optional.empty() : Optional.of(Records.key(p)).filter(k -> k.id().equals(id));
    }

    Optional<KeyRecord> findByName(String name) {
        byte[] claim = objects.plain(nameClaim(name));
        if (claim == null) {
            return Optional.empty();
        }
        return find(Records.text(Records.NAME_CLAIM, claim)).filter(k -> name.equals(k.name()));
    }

    KeyRecord update(KeyRecord k) throws ConflictException {
        String obj = keyName(k.id());
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            Generation.View v = generation.current();
            SealedObjects.Stored cur = objects.get(obj);
            KeyRecord old = cur == null ? null : Records.key(cur.plain());
            if (old == null || old.rowVersion() != k.rowVersion()) {
                throw stale(k.id());
            }
            KeyRecord stored = withRowVersion(k, k.rowVersion() + 1);
            Set<String> before = Keywords.of(old);
            Set<String> after = Keywords.of(stored);
            Set<String> added = new HashSet<>(after);
            added.removeAll(before);
            Set<String> removed = new HashSet<>(before);
            removed.removeAll(after);
            int failed;
            try {
                findex.append(v, Keywords.entries(added, true, stored.rowVersion(), k.id()));
                afterIndexWrite.run();
                failed = objects.write(v, checksFor(obj, cur, old, stored), putsFor(obj, old, stored));
            } catch (Generation.ChangedException e) {
                generation.refresh();
                continue;
            }
            if (failed == 1) {
                throw stale(k.id());
            }
            if (failed == 2) {
                throw nameTaken(stored.name());
            }
            findex.appendFollowing(Keywords.entries(removed, false, stored.rowVersion(), k.id()));
            return stored;
        }
        throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
    }

    private List<SealedObjects.Check> checksFor(String obj, SealedObjects.Stored cur, KeyRecord old, KeyRecord next) {
        List<SealedObjects.Check> checks = new ArrayList<>(List.of(new SealedObjects.Check(obj, cur.sealed())));
        if (next.name() != null && !next.name().equals(old.name())) {
            checks.add(new SealedObjects.Check(nameClaim(next.name()), null));
        }
        return checks;
    }

    private List<SealedObjects.Put> putsFor(String obj, KeyRecord old, KeyRecord next) {
        List<SealedObjects.Put> puts = new ArrayList<>(List.of(new SealedObjects.Put(obj, Records.key(next))));
        if (!Objects.equals(old.name(), next.name())) {
            if (old.name() != null) {
                puts.add(new SealedObjects.Put(nameClaim(old.name()), null));
            }
            if (next.name() != null) {
                puts.add(new SealedObjects.Put(nameClaim(next.name()), Records.text(Records.NAME_CLAIM, next.id())));
            }
        }
        return puts;
    }

    private static KeyRecord withRowVersion(KeyRecord k, long rowVersion) {
        KeyRecord.Builder b = k.toBuilder();
        b.rowVersion = rowVersion;
        return b.build();
    }

    void removeGrants(String id, String user) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<KeyRecord> k = find(id);
            if (k.isEmpty() || !k.get().grants().containsKey(user)) {
                return;
            }
            Map<String, Set<Permission>> grants = new HashMap<>(k.get().grants());
            grants.remove(user);
            KeyRecord.Builder b = k.get().toBuilder();
            b.grants = grants;
            try {
                update(b.build());
                return;
            } catch (ConflictException e) {
                // another writer changed the key meanwhile: read it again
            }
        }
        throw new StoreException("could not remove the grants of a deleted user from key " + id + ": it keeps changing");
    }

    private String keyName(String id) {
        return keys.object("key", id);
    }

    private String nameClaim(String name) {
        return keys.object("name", name);
    }

    private static ConflictException stale(String id) {
        return new ConflictException(ConflictException.Kind.STALE, "key " + id + " changed or vanished since it was read");
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException(ConflictException.Kind.NAME_TAKEN, "key name '" + name + "' is taken");
    }
}
