package keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole conformance suite on stores with change capture on, as peer replication runs them,
 * plus what capture promises ({@link ChangeCapture}): every key, user and token write records its
 * changes in its own transaction, and a write that fails records nothing. After every test of the
 * suite, the newest change of each object must describe what the store holds. A backend with a
 * {@link Store#replica()} extends this class as it extends {@link StoreConformanceTest}.
 */
public abstract class CapturedStoreConformanceTest extends StoreConformanceTest {

    private final RecordingCapture capture = new RecordingCapture();

    @Override
    protected final void prepare(Store s) {
        s.replica().orElseThrow(() -> new AssertionError(s.kind() + " has no replica")).enableChangeCapture(capture);
    }

    /** One change as the tests compare it: kind, object id, payload. */
    private record Change(String kind, String objectId, String payload) {
        @Override
        public String toString() {
            return kind + " " + objectId + ": " + payload;
        }
    }

    private static List<Change> changes(Store s) {
        List<ChangeRow> rows = s.replica().orElseThrow().changesAfter(Map.of(), Replica.MAX_CHANGES, Long.MAX_VALUE);
        assertTrue(rows.size() < Replica.MAX_CHANGES, "the suite's tests write fewer changes than one page");
        List<Change> out = new ArrayList<>();
        String previous = "";
        for (ChangeRow r : rows) {
            assertEquals(RecordingCapture.ORIGIN, r.origin());
            assertTrue(r.changeId().compareTo(previous) > 0, "change ids increase");
            previous = r.changeId();
            out.add(new Change(r.kind(), r.objectId(), new String(r.payload(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private List<Change> changes() {
        return changes(store);
    }

    /** The changes made after the first {@code before} ones. */
    private List<Change> changesAfter(int before) {
        List<Change> all = changes();
        return all.subList(before, all.size());
    }

    @AfterEach
    final void newestChangeOfEachObject_describesWhatIsStored() {
        Store check = track(openSameStore()); // the test may have closed its store
        Map<String, String> newest = new TreeMap<>();
        for (Change c : changes(check)) {
            newest.put(c.kind + " " + c.objectId, c.payload);
        }
        newest.values().removeIf(RecordingCapture.GONE::equals);
        assertEquals(check.replica().orElseThrow().read("stored", RecordingCapture::stored), newest);
    }

    @Test
    void insertKey_recordsTheKeyAsStored() {
        KeyRecord k = fullKey(newId(), "recorded");
        store.insertKey(k);
        assertEquals(List.of(new Change("key", k.id(), RecordingCapture.describe(k))), changes());
    }

    @Test
    void updateKey_recordsTheStoredCopy_withItsNextRowVersion() {
        KeyRecord k = insert(key(newId()));
        KeyRecord stored = store.updateKey(renamed(k, "renamed"));
        assertEquals(List.of(new Change("key", k.id(), RecordingCapture.describe(stored))), changesAfter(1));
        assertTrue(changesAfter(1).get(0).payload.contains("row " + (k.rowVersion() + 1)));
    }

    @Test
    void refusedKeyWrites_recordNothing() {
        KeyRecord k = insert(named(key(newId()), "taken"));
        assertThrows(ConflictException.class, () -> store.insertKey(named(key(newId()), "taken").build()));
        assertThrows(ConflictException.class, () -> store.insertKey(k));
        store.updateKey(k);
        assertThrows(ConflictException.class, () -> store.updateKey(k), "stale");
        assertEquals(2, changes().size(), "the insert and the one update that went through");
    }

    @Test
    void insertKeys_recordEveryKeyAsStored_andARefusedCallRecordsNothing() {
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(named(key(newId()), "bulk-" + i).build());
        }
        store.insertKeys(keys);
        assertEquals(keys.stream().map(k -> new Change("key", k.id(), RecordingCapture.describe(k))).toList(), changes());
        assertThrows(ConflictException.class, () -> store.insertKeys(List.of(key(newId()).build(), keys.get(7))));
        assertEquals(50, changes().size());
    }

    @Test
    void updateKeys_recordEachStoredCopy_andNothingForStaleOnes() {
        KeyRecord a = insert(key(newId()));
        KeyRecord b = insert(key(newId()));
        KeyRecord bMoved = store.updateKey(renamed(b, "moved"));
        List<String> stale = store.updateKeys(List.of(renamed(a, "a2"), renamed(b, "b2")));
        assertEquals(List.of(b.id()), stale);
        KeyRecord aStored = store.findKey(a.id()).orElseThrow();
        assertEquals(List.of(new Change("key", b.id(), RecordingCapture.describe(bMoved)),
                new Change("key", a.id(), RecordingCapture.describe(aStored))), changesAfter(2));
        assertEquals(a.rowVersion() + 1, aStored.rowVersion());
    }

    @Test
    void failingCapture_takesABulkWriteDown_whole() {
        List<KeyRecord> keys = List.of(key(newId()).build(), key(newId()).build(), key(newId()).build());
        capture.failNextReport();
        assertThrows(IllegalStateException.class, () -> store.insertKeys(keys));
        for (KeyRecord k : keys) {
            assertEquals(Optional.empty(), store.findKey(k.id()));
        }
        assertEquals(List.of(), changes());
    }

    @Test
    void insertUser_recordsTheUser_andADuplicateRecordsNothing() {
        UserRecord alice = new UserRecord("alice", true, T0);
        store.insertUser(alice);
        assertThrows(ConflictException.class, () -> store.insertUser(new UserRecord("alice", false, at(1))));
        assertEquals(List.of(new Change("user", "alice", RecordingCapture.describe(alice))), changes());
    }

    @Test
    void insertToken_andDeleteToken_recordTheTokenThenItsRemoval() {
        store.insertUser(new UserRecord("alice", false, T0));
        TokenRecord t = token("t1", "alice", at(60));
        store.insertToken(t);
        assertTrue(store.deleteToken("alice", "t1"));
        assertFalse(store.deleteToken("alice", "t1"));
        assertFalse(store.deleteToken("alice", "never"));
        assertEquals(List.of(new Change("token", "alice/t1", RecordingCapture.describe(t)),
                new Change("token", "alice/t1", RecordingCapture.GONE)), changesAfter(1));
    }

    @Test
    void deleteUser_recordsTheKeysThatLostAGrant_itsTokens_andTheUser() {
        store.insertUser(new UserRecord("bob", false, T0));
        store.insertToken(token("t1", "bob", null));
        KeyRecord.Builder granted = key(newId());
        granted.grants = Map.of("bob", Set.of(Permission.ENCRYPT), "carol", Set.of(Permission.GET));
        KeyRecord k = insert(granted);
        insert(key(newId()));
        int before = changes().size();

        assertTrue(store.deleteUser("bob"));

        KeyRecord after = store.findKey(k.id()).orElseThrow();
        assertEquals(Map.of("carol", Set.of(Permission.GET)), after.grants());
        assertEquals(List.of(new Change("key", k.id(), RecordingCapture.describe(after)),
                new Change("token", "bob/t1", RecordingCapture.GONE),
                new Change("user", "bob", RecordingCapture.GONE)), changesAfter(before));
    }

    @Test
    void deleteUser_unknownUser_recordsNothing() {
        assertFalse(store.deleteUser("nobody"));
        assertEquals(List.of(), changes());
    }

    @Test
    void failingCapture_takesItsWriteDown() {
        capture.failNextReport();
        assertThrows(IllegalStateException.class, () -> store.insertUser(new UserRecord("alice", false, T0)));
        assertEquals(Optional.empty(), store.findUser("alice"));
        capture.failNextReport();
        KeyRecord k = key(newId()).build();
        assertThrows(IllegalStateException.class, () -> store.insertKey(k));
        assertEquals(Optional.empty(), store.findKey(k.id()));
        assertEquals(List.of(), changes());
    }

    @Test
    void racingWriters_eachWriteThatWentThrough_recordsExactlyOneChange() throws Exception {
        List<Boolean> stored = race(8, i -> {
            try {
                store.insertUser(new UserRecord("user-" + i % 4, false, T0));
                return true;
            } catch (ConflictException e) {
                return false;
            }
        });
        assertEquals(4, stored.stream().filter(s -> s).count());
        assertEquals(List.of("user-0", "user-1", "user-2", "user-3"),
                changes().stream().map(Change::objectId).sorted().toList());
    }
}
