package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import keyward.store.KeyQuery;
import keyward.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The encrypted index on its own: folding, concurrent appends, a NOSCRIPT, damage. */
class FindexTest {
    private final String ns = RedisTestSupport.newNamespace();
    private final RedisStore store = RedisTestSupport.open(ns, "L1");
    private final Findex index = store.findex();

    @AfterEach
    void drop() {
        store.close();
        RedisTestSupport.drop(ns);
    }

    private void append(String keyword, boolean add, long version, String value) {
        index.appendFollowing(Map.of(keyword, List.of(new Findex.Entry(add, version, value))));
    }

    private Set<String> search(String keyword) {
        return index.search(List.of(keyword)).get(keyword);
    }

    @Test
    void fold_higherVersionWins_andLaterWinsOnATie() {
        append("w", true, 5, "a");
        append("w", false, 4, "a");      // an older writer's late delete
        append("w", true, 1, "b");
        append("w", false, 1, "b");      // same version: the later entry
        append("w", false, 0, "c");
        append("w", true, 0, "c");
        assertEquals(Set.of("a", "c"), search("w"));
        assertEquals(Set.of(), search("never-written"));
    }

    /** Four writers at once, each making 25 appends: {@code append} gets the writer and the append's number. */
    private static void fourWriters(java.util.function.BiConsumer<Integer, Integer> append) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        append.accept(thread, i);
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentAppends_toOneKeyword_loseNothing() throws Exception {
        fourWriters((thread, i) -> append("hot", true, 1, thread + "-" + i));
        TreeSet<String> expected = new TreeSet<>();
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 25; i++) {
                expected.add(t + "-" + i);
            }
        }
        assertEquals(expected, search("hot"));
    }

    /**
     * Each append call writes a shared list and two of the writer's own: calls holding several
     * lists where only the shared one met another writer's header. Every entry lands, once.
     */
    @Test
    void concurrentAppends_severalListsPerCall_retryOnlyTheListsThatLost() throws Exception {
        fourWriters((thread, i) -> {
            Map<String, List<Findex.Entry>> entries = new java.util.LinkedHashMap<>();
            entries.put("own-" + thread, List.of(new Findex.Entry(true, 1, "v" + i)));
            entries.put("shared", List.of(new Findex.Entry(true, 1, thread + "-" + i)));
            entries.put("own-" + thread + "-" + i, List.of(new Findex.Entry(true, 1, "x")));
            index.appendFollowing(entries);
        });
        TreeSet<String> shared = new TreeSet<>();
        for (int t = 0; t < 4; t++) {
            TreeSet<String> own = new TreeSet<>();
            for (int i = 0; i < 25; i++) {
                shared.add(t + "-" + i);
                own.add("v" + i);
                assertEquals(Set.of("x"), search("own-" + t + "-" + i));
            }
            assertEquals(own, search("own-" + t));
            assertEquals(25L, index.counts(List.of("own-" + t)).get("own-" + t), "each entry appended once");
        }
        assertEquals(shared, search("shared"));
        assertEquals(100L, index.counts(List.of("shared")).get("shared"));
    }

    @Test
    void entry_valueOver70Bytes_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Findex.Entry(true, 1, "é".repeat(36)));
    }

    @Test
    void scriptsFlushedFromRedis_areLoadedAgain() {
        try (RedisPool p = RedisTestSupport.rawPool()) {
            p.call("SCRIPT", "FLUSH");
        }
        store.insertKey(ConcurrentInstancesTest.key("k1"));
        try (RedisPool p = RedisTestSupport.rawPool()) {
            p.call("SCRIPT", "FLUSH");
        }
        append("after-flush", true, 1, "x");
        assertEquals(Set.of("x"), search("after-flush"));
        assertEquals(1, store.locate(KeyQuery.all(10, null)).keys().size());
    }

    @Test
    void aCellMovedToAnotherAddress_isReportedAsDamage() {
        append("a", true, 1, "x");
        append("b", true, 1, "y");
        RedisKeys keys = RedisTestSupport.keys(ns);
        try (RedisPool p = RedisTestSupport.rawPool()) {
            byte[] cell = (byte[]) p.call("GET", keys.cell("L1", "a", 1));
            List<byte[]> set = new ArrayList<>(RedisConnection.args("SET", keys.cell("L1", "b", 1)));
            set.add(cell);
            p.call(set);
        }
        StoreException e = assertThrows(StoreException.class, () -> search("b"));
        assertTrue(e.getMessage().contains("rebuild it with rotate-findex-label"), e.getMessage());
    }
}
