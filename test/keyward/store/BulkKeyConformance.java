package keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bulk key writes ({@link Store#insertKeys}, {@link Store#updateKeys}): they store exactly what the
 * single writes store, refuse what they refuse, and leave stale keys alone. Part of
 * {@link StoreConformanceTest}.
 */
public abstract class BulkKeyConformance extends KeyConformance {

    /** True where a bulk call is one transaction (SQL): a refused call stores none of its keys. */
    protected boolean bulkWritesAreAtomic() {
        return true;
    }

    @Test
    void insertKeys_manyRandomKeys_storesEachExactly_andLocateFindsThemAll() {
        RandomRecords random = new RandomRecords(2101);
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add(random.key());
        }
        keys.add(fullKey(newId(), "full"));
        store.insertKeys(keys);
        for (KeyRecord k : keys) {
            assertEquals(Optional.of(k), store.findKey(k.id()));
            if (k.name() != null) {
                assertEquals(Optional.of(k), store.findKeyByName(k.name()), "by name");
            }
        }
        assertEquals(keys.size(), allKeys().size());
    }

    @Test
    void insertKeys_theLargestCall_isStored_andALargerOneIsRefused() {
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < Store.MAX_BULK_KEYS; i++) {
            KeyRecord.Builder b = key(newId());
            b.name = "bulk-" + i;
            b.tags = List.of("group-" + i / 100);
            keys.add(b.build());
        }
        store.insertKeys(keys);
        assertEquals(Store.MAX_BULK_KEYS, allKeys().size());
        assertEquals(100, store.locate(byTag("group-3")).keys().size());
        List<KeyRecord> tooMany = new ArrayList<>(keys);
        tooMany.add(key(newId()).build());
        assertThrows(IllegalArgumentException.class, () -> store.insertKeys(tooMany));
        assertThrows(IllegalArgumentException.class, () -> store.updateKeys(tooMany));
    }

    @Test
    void countVersionsUnder_countsLiveVersionsOfOneKek_acrossPages() {
        assertEquals(0, store.countVersionsUnder("kek-1"), "an empty store");
        insert(key(newId()));                                       // one version under kek-1
        store.insertKey(fullKey(newId(), "full"));                  // kek-1 (destroyed), kek-2, kek-2
        List<KeyRecord> many = new ArrayList<>();
        for (int i = 0; i < Store.MAX_BULK_KEYS + 5; i++) {        // more than one page of the default scan
            KeyRecord.Builder b = key(newId());
            b.versions = List.of(version(1, "kek-1"), version(2, "kek-3"));
            many.add(b.build());
            if (many.size() == Store.MAX_BULK_KEYS) {
                store.insertKeys(many);
                many.clear();
            }
        }
        store.insertKeys(many);
        assertEquals(1 + Store.MAX_BULK_KEYS + 5, store.countVersionsUnder("kek-1"), "the destroyed version is not counted");
        assertEquals(2, store.countVersionsUnder("kek-2"));
        assertEquals(Store.MAX_BULK_KEYS + 5, store.countVersionsUnder("kek-3"));
        assertEquals(0, store.countVersionsUnder("kek-none"));
    }

    @Test
    void insertKeys_emptyCall_doesNothing() {
        store.insertKeys(List.of());
        assertEquals(List.of(), store.updateKeys(List.of()));
        assertEquals(0, allKeys().size());
    }

    @Test
    void insertKeys_aKeyThatExists_isRefusedNamingIt_andTheStoredOneIsKept() {
        KeyRecord there = insert(named(key(newId()), "there"));
        KeyRecord first = key(newId()).build();
        KeyRecord copy = named(key(there.id()), "other").build();
        KeyRecord last = key(newId()).build();
        ConflictException e = assertThrows(ConflictException.class, () -> store.insertKeys(List.of(first, copy, last)));
        assertEquals(ConflictException.Kind.ALREADY_EXISTS, e.kind());
        assertTrue(e.getMessage().contains(there.id()), e.getMessage());
        assertEquals(Optional.of(there), store.findKey(there.id()));
        if (bulkWritesAreAtomic()) {
            assertEquals(Optional.empty(), store.findKey(first.id()), "all or none");
            assertEquals(Optional.empty(), store.findKey(last.id()), "all or none");
        }
    }

    @Test
    void insertKeys_aTakenName_isRefusedAsNameTaken() {
        insert(named(key(newId()), "taken"));
        KeyRecord clash = named(key(newId()), "taken").build();
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.insertKeys(List.of(key(newId()).build(), clash)));
        assertEquals(ConflictException.Kind.NAME_TAKEN, e.kind());
        assertTrue(e.getMessage().contains("taken"), e.getMessage());
        assertEquals(Optional.empty(), store.findKey(clash.id()));
    }

    @Test
    void insertKeys_twoKeysOfOneCallWithTheSameName_storeAtMostOne() {
        KeyRecord a = named(key(newId()), "twin").build();
        KeyRecord b = named(key(newId()), "twin").build();
        ConflictException e = assertThrows(ConflictException.class, () -> store.insertKeys(List.of(a, b)));
        assertEquals(ConflictException.Kind.NAME_TAKEN, e.kind());
        long stored = allKeys().size();
        assertEquals(bulkWritesAreAtomic() ? 0 : 1, stored);
    }

    @Test
    void updateKeys_storesFreshKeysWithTheNextRowVersion_andReturnsStaleAndGoneOnesUntouched() {
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            KeyRecord.Builder b = key(newId());
            b.name = "k" + i;
            b.tags = List.of("old");
            keys.add(insert(b));
        }
        KeyRecord movedOn = store.updateKey(renamed(keys.get(2), "moved-on"));
        List<KeyRecord> next = new ArrayList<>();
        for (KeyRecord k : keys) {
            next.add(rewrapped(k));
        }
        KeyRecord gone = key(newId()).build();
        next.add(gone);

        List<String> stale = store.updateKeys(next);

        assertEquals(Set.of(keys.get(2).id(), gone.id()), Set.copyOf(stale));
        assertEquals(Optional.of(movedOn), store.findKey(movedOn.id()), "a stale key is left as it was");
        assertEquals(Optional.empty(), store.findKey(gone.id()), "a gone key is not created");
        for (int i = 0; i < keys.size(); i++) {
            if (i != 2) {
                KeyRecord.Builder expected = next.get(i).toBuilder();
                expected.rowVersion = keys.get(i).rowVersion() + 1;
                assertEquals(Optional.of(expected.build()), store.findKey(keys.get(i).id()), "key " + i);
            }
        }
        assertEquals(5, store.locate(byTag("new")).keys().size());
        assertEquals(List.of(movedOn.id()),
                store.locate(byTag("old")).keys().stream()
                        .map(KeyRecord::id).toList(), "the index follows the new tags");
    }

    @Test
    void updateKeys_addsChangesAndDropsVersions_exactlyAsUpdateKey() {
        KeyRecord full = fullKey(newId(), "full");
        store.insertKey(full);
        KeyRecord.Builder b = full.toBuilder();
        b.versions = List.of(new KeyVersion(2, -5, "kek-9", bytes(121), bytes(91), at(900)), full.versions().get(2),
                version(4, "kek-9"));
        b.primaryVersion = 4;
        assertEquals(List.of(), store.updateKeys(List.of(b.build())));
        b.rowVersion = full.rowVersion() + 1;
        assertEquals(Optional.of(b.build()), store.findKey(full.id()));
    }

    @Test
    void updateKeys_eachKeyChangingOtherParts_storesEachExactly() {
        List<KeyRecord> stored = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            KeyRecord k = fullKey(newId(), "part-" + i);
            store.insertKey(k);
            stored.add(k);
        }
        List<KeyRecord.Builder> next = stored.stream().map(KeyRecord::toBuilder).toList();
        next.get(0).versions = stored.get(0).versions().stream().map(v -> v.rewrapped("kek-new", bytes(60))).toList();
        next.get(1).tags = List.of("alpha", "zeta", "pci"); // the same tags in another order
        next.get(2).attributes = Map.of("team", "billing", "cost-center", "43");
        next.get(3).grants = Map.of("bob", Set.of(Permission.ENCRYPT));
        next.get(4).tags = List.of("pci", "beta");
        next.get(4).grants = Map.of();
        // key 5: nothing but its row changes
        assertEquals(List.of(), store.updateKeys(next.stream().map(KeyRecord.Builder::build).toList()));
        for (int i = 0; i < next.size(); i++) {
            KeyRecord.Builder expected = next.get(i);
            expected.rowVersion = stored.get(i).rowVersion() + 1;
            assertEquals(Optional.of(expected.build()), store.findKey(stored.get(i).id()), "key " + i);
        }
        assertEquals(5, store.locate(byTag("zeta")).keys().size(), "untouched tags are still indexed");
        assertEquals(List.of(stored.get(4).id()), store.locate(byTag("beta")).keys().stream().map(KeyRecord::id).toList());
    }

    @Test
    void rewrapKeys_storesTheNewMaterialOfFreshKeys_andReturnsStaleAndGoneOnesUntouched() {
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            KeyRecord k = fullKey(newId(), "rewrap-" + i); // a destroyed version, two live ones, tags, grants
            store.insertKey(k);
            keys.add(k);
        }
        KeyRecord movedOn = store.updateKey(renamed(keys.get(1), "moved-on"));
        KeyRecord gone = key(newId()).build();
        List<KeyRecord> next = new ArrayList<>();
        for (KeyRecord k : keys) {
            KeyRecord.Builder b = k.toBuilder();
            b.versions = k.versions().stream().map(v -> v.destroyed() ? v : v.rewrapped("kek-new", bytes(60))).toList();
            next.add(b.build());
        }
        next.add(gone);

        assertEquals(Set.of(keys.get(1).id(), gone.id()), Set.copyOf(store.rewrapKeys(next)));

        assertEquals(Optional.of(movedOn), store.findKey(movedOn.id()), "a stale key is left as it was");
        assertEquals(Optional.empty(), store.findKey(gone.id()), "a gone key is not created");
        for (int i : new int[] {0, 2, 3}) {
            KeyRecord.Builder expected = next.get(i).toBuilder();
            expected.rowVersion = keys.get(i).rowVersion() + 1;
            assertEquals(Optional.of(expected.build()), store.findKey(keys.get(i).id()), "key " + i);
        }
        assertEquals(6, store.countVersionsUnder("kek-new"));
        assertEquals(2, store.countVersionsUnder("kek-2"), "the stale key's versions");
    }

    @Test
    void updateKeys_renameToATakenName_isRefusedAsNameTaken() {
        insert(named(key(newId()), "taken"));
        KeyRecord a = insert(named(key(newId()), "a"));
        KeyRecord b = insert(named(key(newId()), "b"));
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.updateKeys(List.of(rewrapped(a), renamed(b, "taken"))));
        assertEquals(ConflictException.Kind.NAME_TAKEN, e.kind());
        assertEquals(Optional.of(b), store.findKey(b.id()));
        if (bulkWritesAreAtomic()) {
            assertEquals(Optional.of(a), store.findKey(a.id()), "all or none");
        }
    }

    /** {@code k} with its material under another KEK and the tag "new": what KEK rotation and a retag write. */
    private KeyRecord rewrapped(KeyRecord k) {
        KeyRecord.Builder b = k.toBuilder();
        b.versions = k.versions().stream().map(v -> v.rewrapped("kek-new", bytes(60))).toList();
        b.tags = List.of("new");
        return b.build();
    }

    private static KeyQuery byTag(String tag) {
        return new KeyQuery(List.of(tag), null, null, null, null, null, 1000, null);
    }

    protected final List<KeyRecord> allKeys() {
        List<KeyRecord> out = new ArrayList<>();
        String after = null;
        do {
            KeyPage page = store.locate(KeyQuery.all(500, after));
            out.addAll(page.keys());
            after = page.next();
        } while (after != null);
        return out;
    }
}
