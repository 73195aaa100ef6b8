package keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keys: round trips, name uniqueness, compare-and-set updates. Part of {@link StoreConformanceTest}. */
public abstract class KeyConformance extends StoreFixture {

    @Test
    void insertKey_thenFindKey_returnsEveryFieldAsStored() {
        KeyRecord k = fullKey(newId(), "payments");
        store.insertKey(k);
        assertEquals(Optional.of(k), store.findKey(k.id()));
        assertEquals(List.of("zeta", "pci", "alpha"), store.findKey(k.id()).orElseThrow().tags(), "tags keep their order");
    }

    @Test
    void randomKeys_insertedThenFoundByIdAndName_exactly() {
        RandomRecords random = new RandomRecords(1401);
        for (int i = 0; i < 25; i++) {
            KeyRecord k = random.key();
            store.insertKey(k);
            assertEquals(Optional.of(k), store.findKey(k.id()), "key " + i);
            if (k.name() != null) {
                assertEquals(Optional.of(k), store.findKeyByName(k.name()), "key " + i + " by name");
            }
        }
    }

    @Test
    void randomKeys_replacedByOtherRandomKeys_storeTheReplacementExactly() {
        RandomRecords random = new RandomRecords(1402);
        for (int i = 0; i < 10; i++) {
            KeyRecord first = random.key();
            store.insertKey(first);
            KeyRecord.Builder next = random.key().toBuilder();
            next.id = first.id();
            next.rowVersion = first.rowVersion();
            KeyRecord stored = store.updateKey(next.build());
            next.rowVersion = first.rowVersion() + 1;
            assertEquals(next.build(), stored, "key " + i + " as returned");
            assertEquals(Optional.of(next.build()), store.findKey(first.id()), "key " + i + " as read back");
        }
    }

    @Test
    void insertKey_withNullsAndEmptyCollections_roundTripsThem() {
        KeyRecord.Builder b = key(newId());
        b.owner = null;
        b.createdAt = null;
        b.updatedAt = null;
        b.rotatedAt = null;
        b.versions = List.of(new KeyVersion(1, 0, "kek-1", null, null, T0));
        KeyRecord k = insert(b);
        assertEquals(Optional.of(k), store.findKey(k.id()));
    }

    @Test
    void findKeyByName_findsTheNamedKey_andNothingForOtherNames() {
        KeyRecord k = insert(named(key(newId()), "orders"));
        insert(key(newId()));
        assertEquals(Optional.of(k), store.findKeyByName("orders"));
        assertEquals(Optional.empty(), store.findKeyByName("Orders"), "names match exactly");
        assertEquals(Optional.empty(), store.findKeyByName("order"));
    }

    @Test
    void findKey_unknownId_isEmpty() {
        assertEquals(Optional.empty(), store.findKey(newId()));
    }

    @Test
    void insertKey_existingId_isRefusedAsAlreadyExists() {
        KeyRecord k = insert(key(newId()));
        KeyRecord.Builder again = key(k.id());
        again.name = "other";
        ConflictException e = assertThrows(ConflictException.class, () -> store.insertKey(again.build()));
        assertEquals(ConflictException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals(Optional.of(k), store.findKey(k.id()));
        assertEquals(Optional.empty(), store.findKeyByName("other"), "nothing of the refused key is stored");
    }

    @Test
    void insertKey_takenName_isRefusedAsNameTaken_andStoresNothing() {
        KeyRecord first = insert(named(key(newId()), "shared"));
        KeyRecord.Builder second = key(newId());
        second.name = "shared";
        second.tags = List.of("t");
        ConflictException e = assertThrows(ConflictException.class, () -> store.insertKey(second.build()));
        assertEquals(ConflictException.Kind.NAME_TAKEN, e.kind());
        assertEquals(Optional.empty(), store.findKey(second.id));
        assertEquals(Optional.of(first), store.findKeyByName("shared"));
    }

    @Test
    void insertKey_manyKeysWithoutName_areAllStored() {
        for (int i = 0; i < 3; i++) {
            insert(key(newId()));
        }
        assertEquals(3, store.locate(KeyQuery.all(10, null)).keys().size());
    }

    @Test
    void updateKey_replacesEverything_andStoresRowVersionPlusOne() {
        KeyRecord k = store.findKey(insertFull()).orElseThrow();
        KeyRecord.Builder b = k.toBuilder();
        b.name = "renamed";
        b.state = KeyState.ACTIVE;
        b.stateBeforeDestroy = null;
        b.destroyAt = null;
        b.tags = List.of("new", "zeta");
        b.attributes = Map.of("team", "risk");
        b.grants = Map.of("dave", Set.of(Permission.SIGN));
        b.versions = List.of(k.version(1).orElseThrow(),                       // unchanged, already destroyed
                k.version(2).orElseThrow().withoutMaterial(),                     // material destroyed
                k.version(3).orElseThrow().rewrapped("kek-3", bytes(121)),        // rewrapped under a new KEK
                version(4, "kek-3"));                                             // added
        b.primaryVersion = 4;
        b.updatedAt = at(9999);
        KeyRecord stored = store.updateKey(b.build());
        b.rowVersion = k.rowVersion() + 1;
        assertEquals(b.build(), stored);
        assertEquals(Optional.of(stored), store.findKey(k.id()));
        assertEquals(Optional.empty(), store.findKeyByName(k.name()));
    }

    @Test
    void updateKey_versionLeftOut_isRemoved() {
        KeyRecord k = store.findKey(insertFull()).orElseThrow();
        KeyRecord.Builder b = k.toBuilder();
        b.versions = List.of(k.version(2).orElseThrow(), k.version(3).orElseThrow());
        store.updateKey(b.build());
        assertEquals(Optional.empty(), store.findKey(k.id()).orElseThrow().version(1));
    }

    @Test
    void updateKey_staleRowVersion_isRefusedAsStale_andChangesNothing() {
        KeyRecord k = insert(key(newId()));
        KeyRecord newer = store.updateKey(renamed(k, "first"));
        ConflictException e = assertThrows(ConflictException.class, () -> store.updateKey(renamed(k, "second")));
        assertEquals(ConflictException.Kind.STALE, e.kind());
        assertEquals(Optional.of(newer), store.findKey(k.id()));
    }

    @Test
    void updateKey_missingKey_isRefusedAsStale() {
        ConflictException e = assertThrows(ConflictException.class, () -> store.updateKey(key(newId()).build()));
        assertEquals(ConflictException.Kind.STALE, e.kind());
    }

    @Test
    void updateKey_renameToTakenName_isRefusedAsNameTaken_andChangesNothing() {
        insert(named(key(newId()), "taken"));
        KeyRecord k = insert(named(key(newId()), "mine"));
        KeyRecord.Builder b = k.toBuilder();
        b.name = "taken";
        b.tags = List.of("x");
        ConflictException e = assertThrows(ConflictException.class, () -> store.updateKey(b.build()));
        assertEquals(ConflictException.Kind.NAME_TAKEN, e.kind());
        assertEquals(Optional.of(k), store.findKey(k.id()));
    }

    @Test
    void updateKey_rename_freesTheOldNameForAnotherKey() {
        KeyRecord k = insert(named(key(newId()), "old"));
        store.updateKey(renamed(k, "new"));
        KeyRecord other = insert(named(key(newId()), "old"));
        assertEquals(Optional.of(other), store.findKeyByName("old"));
    }

    @Test
    void updateKey_twoThreadsRacing50UpdatesEachWithRetry_loseNoUpdate() throws Exception {
        KeyRecord.Builder b = key(newId());
        b.attributes = Map.of("count", "0");
        String id = insert(b).id();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(pool.submit(() -> incrementRepeatedly(id, 50)));
            }
            for (Future<Integer> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        KeyRecord k = store.findKey(id).orElseThrow();
        assertEquals("100", k.attributes().get("count"));
        assertEquals(101, k.rowVersion());
    }

    /** Read, increment, compare-and-set; a STALE answer means read again. Returns the retries. */
    private int incrementRepeatedly(String id, int times) {
        int retries = 0;
        for (int done = 0; done < times; ) {
            KeyRecord k = store.findKey(id).orElseThrow();
            KeyRecord.Builder b = k.toBuilder();
            b.attributes = Map.of("count", Integer.toString(Integer.parseInt(k.attributes().get("count")) + 1));
            try {
                store.updateKey(b.build());
                done++;
            } catch (ConflictException e) {
                assertEquals(ConflictException.Kind.STALE, e.kind());
                assertTrue(++retries < 10_000, "too many retries");
            }
        }
        return retries;
    }

    @Test
    void dueForDestruction_returnsPendingKeysDueAtOrBeforeNow_mostOverdueFirst() {
        KeyRecord.Builder due = key(newId());
        due.state = KeyState.PENDING_DESTRUCTION;
        due.destroyAt = at(100);
        KeyRecord.Builder dueEarlier = key(newId());
        dueEarlier.state = KeyState.PENDING_DESTRUCTION;
        dueEarlier.destroyAt = at(50);
        KeyRecord.Builder later = key(newId());
        later.state = KeyState.PENDING_DESTRUCTION;
        later.destroyAt = at(101);
        KeyRecord.Builder activeWithDate = key(newId());
        activeWithDate.destroyAt = at(10);
        for (KeyRecord.Builder b : List.of(due, dueEarlier, later, activeWithDate)) {
            insert(b);
        }
        assertEquals(List.of(dueEarlier.id, due.id), store.dueForDestruction(at(100), 10));
        assertEquals(List.of(dueEarlier.id), store.dueForDestruction(at(100), 1));
        assertEquals(List.of(), store.dueForDestruction(at(49), 10));
    }

    @Test
    void dueForRotation_returnsActiveKeysWhosePeriodHasPassed() {
        KeyRecord.Builder due = key(newId());
        due.autoRotatePeriod = 3600;
        due.rotatedAt = at(0);
        KeyRecord.Builder notYet = key(newId());
        notYet.autoRotatePeriod = 3600;
        notYet.rotatedAt = at(1);
        KeyRecord.Builder never = key(newId());
        never.autoRotatePeriod = 0;
        KeyRecord.Builder deactivated = key(newId());
        deactivated.state = KeyState.DEACTIVATED;
        deactivated.autoRotatePeriod = 60;
        for (KeyRecord.Builder b : List.of(due, notYet, never, deactivated)) {
            insert(b);
        }
        assertEquals(List.of(due.id), store.dueForRotation(at(3600), 10));
        assertEquals(List.of(due.id, notYet.id), store.dueForRotation(at(3601), 10));
        assertEquals(List.of(due.id), store.dueForRotation(at(3601), 1));
    }

    @Test
    void dueForRotation_followsAnUpdatedRotatedAt() {
        KeyRecord.Builder b = key(newId());
        b.autoRotatePeriod = 60;
        KeyRecord k = insert(b);
        assertEquals(List.of(k.id()), store.dueForRotation(at(60), 10));
        KeyRecord.Builder rotated = k.toBuilder();
        rotated.rotatedAt = at(60);
        store.updateKey(rotated.build());
        assertEquals(List.of(), store.dueForRotation(at(60), 10));
        assertEquals(List.of(k.id()), store.dueForRotation(at(120), 10));
    }

    private String insertFull() {
        KeyRecord k = fullKey(newId(), "full");
        store.insertKey(k);
        return k.id();
    }
}
