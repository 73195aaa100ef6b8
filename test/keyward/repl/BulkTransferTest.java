package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.Poll;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Principal;
import keyward.server.Node;
import keyward.store.Replica;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Bulk replication on every SQL backend: a consumer far behind catches up, and a new node's
 * automatic refresh copies a filled node, each moving exactly what was there (counts and keys
 * decrypting on the copy what the original encrypted). Each run prints keys/s; with
 * {@code KW_REPL_BULK_KEYS=100000} (and {@code KW_REPL_BULK_KEYS_NET} for PostgreSQL and MariaDB)
 * it is the measurement of docs/performance.md.
 */
class BulkTransferTest {

    private static final int KEYS = Integer.parseInt(System.getenv().getOrDefault("KW_REPL_BULK_KEYS", "3000"));
    private static final int KEYS_NET = Integer.parseInt(System.getenv().getOrDefault("KW_REPL_BULK_KEYS_NET", "2000"));
    private static final Duration LONG = Duration.ofMinutes(10);

    @Test
    void sqlite_catchUpAndRefresh_moveEverything() throws Exception {
        run("sqlite", KEYS, List.of(List.of(), List.of(), List.of()));
    }

    @Test
    void postgres_catchUpAndRefresh_moveEverything() throws Exception {
        TestDatabases.requirePostgres();
        List<String> dbs = new ArrayList<>();
        try {
            List<List<String>> flags = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                dbs.add(TestDatabases.createPostgresDatabase());
                flags.add(List.of("--database-type=postgresql", "--database-url=" + dbs.get(i) + "?user=postgres"));
            }
            run("postgresql", KEYS_NET, flags);
        } finally {
            dbs.forEach(TestDatabases::dropPostgresDatabase);
        }
    }

    @Test
    void mariadb_catchUpAndRefresh_moveEverything() throws Exception {
        TestDatabases.requireMariadb();
        List<String> dbs = new ArrayList<>();
        try {
            List<List<String>> flags = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                dbs.add(TestDatabases.createMysqlDatabase());
                flags.add(List.of("--database-type=mysql", "--database-url=" + dbs.get(i) + "?user=root"));
            }
            run("mariadb", KEYS_NET, flags);
        } finally {
            dbs.forEach(TestDatabases::dropMysqlDatabase);
        }
    }

    /** Node 1 falls {@code keys} keys behind node 0 and catches up; node 2 then joins by refreshing. */
    private static void run(String backend, int keys, List<List<String>> flags) throws Exception {
        try (Cluster c = new Cluster(3, true, flags)) {
            c.start(0);
            c.start(1);
            c.awaitJoined();
            c.stop(1);
            List<String> sample = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sample.add(MergeScenariosTest.createKey(c.admin(0), "sample-" + i));
            }
            List<String> ciphertexts = new ArrayList<>();
            for (String id : sample) {
                ciphertexts.add(MergeScenariosTest.encrypt(c.admin(0), id, "secret of " + id));
            }
            fill(c.nodes[0].core(), keys, 16);
            int expected = keyCount(c.nodes[0]);
            assertEquals(keys + sample.size(), expected);

            long t0 = System.nanoTime();
            c.start(1);
            Poll.until("node 1 catches up", LONG, () -> vector(c.nodes[1]).equals(vector(c.nodes[0])));
            report(backend, "catch-up of a consumer " + keys + " keys behind", keys, t0);
            assertEquals(expected, keyCount(c.nodes[1]));

            t0 = System.nanoTime();
            c.start(2);
            Poll.until("node 2 answers after its refresh", LONG, () -> c.admin(2).get("/v1/keys?limit=1").status() == 200);
            report(backend, "refresh of a new node with " + expected + " keys, until it answers", expected, t0);
            assertEquals(expected, keyCount(c.nodes[2]));

            for (int n = 1; n < 3; n++) {
                for (int i = 0; i < sample.size(); i++) {
                    assertEquals("secret of " + sample.get(i),
                            MergeScenariosTest.decrypt(c.admin(n), sample.get(i), ciphertexts.get(i)));
                }
            }
        }
    }

    static void fill(Core core, int keys, int threads) throws Exception {
        Principal admin = new Principal("admin", true);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < keys; ) {
                        core.keys().create(admin, new KeyRequests.Create(null, "aes-256-gcm", List.of("grp-" + i / 10),
                                Map.of(), false, 0));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static int keyCount(Node node) {
        return Replicator.replicaOf(node.store()).read("count", tx -> tx.keyIds().size());
    }

    static Map<String, String> vector(Node node) {
        Replica r = Replicator.replicaOf(node.store());
        return r.vector();
    }

    private static void report(String backend, String what, int keys, long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "bulk-replication %s: %s: %.1f s, %,.0f keys/s%n", backend, what, s, keys / s);
    }
}
