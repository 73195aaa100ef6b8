package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import keyward.store.ConflictException;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several instances, each with its own pool, adding and removing tags on the same keys at once. */
class ConcurrentInstancesTest {
    private static final List<String> TAGS = List.of("red", "green", "blue", "cyan");
    private final String ns = RedisTestSupport.newNamespace();
    private final List<RedisStore> stores = new ArrayList<>();

    @AfterEach
    void drop() {
        stores.forEach(RedisStore::close);
        RedisTestSupport.drop(ns);
    }

    static KeyRecord key(String id) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = id;
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = "alice";
        b.primaryVersion = 1;
        b.createdAt = Instant.EPOCH;
        b.versions = List.of(new KeyVersion(1, 7, "kek", new byte[16], null, Instant.EPOCH));
        b.rowVersion = 1;
        return b.build();
    }

    @Test
    void threeInstancesTogglingTagsOnFiveKeys_loseNoIndexEntry_andLocateEqualsTheTruth() throws Exception {
        for (int i = 0; i < 3; i++) {
            stores.add(RedisTestSupport.open(ns, "L1"));
        }
        List<String> ids = List.of("k0", "k1", "k2", "k3", "k4");
        ids.forEach(id -> stores.get(0).insertKey(key(id)));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                RedisStore s = stores.get(t % 3);
                long seed = t;
                runs.add(pool.submit(() -> toggle(s, ids, new Random(seed), 40)));
            }
            for (Future<Integer> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int rowVersions = 0;
        for (String id : ids) {
            rowVersions += (int) stores.get(0).findKey(id).orElseThrow().rowVersion() - 1;
        }
        assertEquals(240, rowVersions, "every update landed exactly once");
        for (RedisStore s : stores) {
            for (String tag : TAGS) {
                TreeSet<String> truth = new TreeSet<>();
                for (String id : ids) {
                    if (s.findKey(id).orElseThrow().tags().contains(tag)) {
                        truth.add(id);
                    }
                }
                List<String> found = s.locate(new KeyQuery(List.of(tag), null, null, null, null, null, 100, null))
                        .keys().stream().map(KeyRecord::id).toList();
                assertEquals(List.copyOf(truth), found, "tag " + tag);
                Map<String, NavigableSet<String>> raw = s.findex().search(List.of(Keywords.tag(tag)));
                // a writer that lost its compare-and-set leaves its adds behind: a superset, never a loss
                assertTrue(raw.get(Keywords.tag(tag)).containsAll(truth), "the index itself, before re-checking, for tag " + tag);
            }
        }
    }

    /** {@code n} successful updates, each adding or removing one random tag of one random key. */
    private static int toggle(RedisStore s, List<String> ids, Random random, int n) {
        int retries = 0;
        for (int done = 0; done < n; ) {
            KeyRecord k = s.findKey(ids.get(random.nextInt(ids.size()))).orElseThrow();
            String tag = TAGS.get(random.nextInt(TAGS.size()));
            List<String> tags = new ArrayList<>(k.tags());
            if (!tags.remove(tag)) {
                tags.add(tag);
            }
            KeyRecord.Builder b = k.toBuilder();
            b.tags = tags;
            try {
                s.updateKey(b.build());
                done++;
            } catch (ConflictException e) {
                retries++;
            }
        }
        return retries;
    }
}
