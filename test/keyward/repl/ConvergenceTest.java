package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.Http;
import org.junit.jupiter.api.Test;

/** Three nodes, a randomized concurrent workload on all of them with a link cut midway: all end identical. */
class ConvergenceTest {

    private static final List<String> OPS = List.of("get", "encrypt", "decrypt");

    @Test
    void randomizedConcurrentWorkload_onThreeNodes_convergesToIdenticalData() throws Exception {
        long seed = System.nanoTime();
        try (Cluster c = new Cluster(3).startAll()) {
            c.awaitJoined();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                keys.add(MergeScenariosTest.createKey(c.admin(0), "base-" + i));
            }
            for (String u : List.of("u1", "u2")) {
                c.admin(0).post("/v1/users", Map.of("name", u));
            }
            c.awaitConverged();
            AtomicInteger ops = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                int node = n;
                done.add(pool.submit(() -> workload(c.admin(node), node, keys, new Random(seed + node), ops)));
            }
            Cluster.await("the workload is under way", () -> ops.get() >= 10);
            c.proxies.get(2).cut(); // node 2 is cut off from both others for a while
            Cluster.await("the workload goes on during the cut", () -> ops.get() >= 40);
            c.proxies.get(2).restore();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            c.awaitConverged();
            String all = Snapshot.of(c.nodes[0]);
            assertEquals(all, Snapshot.of(c.nodes[2]), "seed " + seed);
            assertTrue(all.contains("  v2 "), "some rotations happened");
            assertTrue(all.contains("user x"), "some users were made");
        }
    }

    /** 30 random writes through node {@code node}, each counted in {@code ops} when answered. */
    private static void workload(Http h, int node, List<String> keys, Random r, AtomicInteger ops) {
        for (int i = 0; i < 30; i++) {
            String key = keys.get(r.nextInt(keys.size()));
            switch (r.nextInt(8)) {
                case 0 -> h.post("/v1/keys", Map.of("name", "n" + node + "-" + i, "algorithm", "aes-256-gcm"));
                case 1 -> h.post("/v1/keys/" + key + "/rotate", Map.of());
                case 2 -> h.patch("/v1/keys/" + key, Map.of("tags", List.of("t" + r.nextInt(3)),
                        "attributes", Map.of("from", "node" + node)));
                case 3 -> h.put("/v1/keys/" + key + "/grants/u" + (1 + r.nextInt(2)),
                        Map.of("operations", List.of(OPS.get(r.nextInt(OPS.size())))));
                case 4 -> h.delete("/v1/keys/" + key + "/grants/u" + (1 + r.nextInt(2)));
                case 5 -> h.post("/v1/users", Map.of("name", "x" + node + "-" + i));
                case 6 -> h.delete("/v1/users/x" + node + "-" + (i - 1));
                default -> {
                    if (r.nextInt(4) == 0) {
                        h.post("/v1/keys/" + key + "/revoke", Map.of("reason", "superseded"));
                    } else {
                        h.post("/v1/users/u1/tokens", Map.of());
                    }
                }
            }
            ops.incrementAndGet();
        }
    }
}
