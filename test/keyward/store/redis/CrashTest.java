package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A process dying between the index write and the object write never yields a ghost key. */
class CrashTest {
    private final String ns = RedisTestSupport.newNamespace();
    private RedisStore store;

    /** Stands for the process dying at that point. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @BeforeEach
    void open() {
        store = RedisTestSupport.open(ns, "L1");
    }

    @AfterEach
    void drop() {
        store.close();
        RedisTestSupport.drop(ns);
    }

    private static KeyQuery tagged(String tag) {
        return new KeyQuery(List.of(tag), null, null, null, null, null, 100, null);
    }

    private List<String> located(KeyQuery q) {
        return store.locate(q).keys().stream().map(KeyRecord::id).toList();
    }

    @Test
    void insertKey_crashAfterTheIndexWrite_leavesNoKeyToFindByIdNameOrAnyFilter() {
        KeyRecord.Builder b = ConcurrentInstancesTest.key("ghost").toBuilder();
        b.name = "ghost-name";
        b.tags = List.of("t");
        b.owner = "gina";
        store.afterIndexWrite(() -> {
            throw new Crash();
        });
        assertThrows(Crash.class, () -> store.insertKey(b.build()));
        store.afterIndexWrite(() -> { });

        Findex index = store.findex();
        assertTrue(index.search(List.of(Keywords.tag("t"))).get(Keywords.tag("t")).contains("ghost"),
                "the crash left the index entry behind");
        assertEquals(Optional.empty(), store.findKey("ghost"));
        assertEquals(Optional.empty(), store.findKeyByName("ghost-name"));
        assertEquals(List.of(), located(tagged("t")));
        assertEquals(List.of(), located(KeyQuery.all(10, null)));
        assertEquals(List.of(), located(new KeyQuery(List.of(), null, null, null, null, "gina", 10, null)));

        store.insertKey(b.build());
        assertEquals(List.of("ghost"), located(tagged("t")), "inserting again later works and is found once");
    }

    @Test
    void updateKey_crashAfterTheIndexWrite_leavesTheKeyFoundOnlyByWhatItStillIs() {
        KeyRecord.Builder b = ConcurrentInstancesTest.key("k1").toBuilder();
        b.name = "before";
        b.tags = List.of("old");
        KeyRecord k = b.build();
        store.insertKey(k);
        KeyRecord.Builder changed = k.toBuilder();
        changed.name = "after";
        changed.tags = List.of("new");
        changed.state = KeyState.DEACTIVATED;
        store.afterIndexWrite(() -> {
            throw new Crash();
        });
        assertThrows(Crash.class, () -> store.updateKey(changed.build()));
        store.afterIndexWrite(() -> { });

        assertEquals(Optional.of(k), store.findKey("k1"));
        assertEquals(List.of(), located(tagged("new")));
        assertEquals(List.of(), located(new KeyQuery(List.of(), null, null, KeyState.DEACTIVATED, null, null, 10, null)));
        assertEquals(List.of(), located(new KeyQuery(List.of(), "after", null, null, null, null, 10, null)));
        assertEquals(List.of("k1"), located(tagged("old")));
        assertEquals(Optional.empty(), store.findKeyByName("after"));
    }
}
