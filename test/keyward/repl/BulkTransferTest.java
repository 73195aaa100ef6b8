package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.Http;
import keyward.Poll;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Principal;
import keyward.server.Node;
import keyward.server.Stores;
import keyward.store.Replica;
import keyward.store.Store;
import keyward.store.StoreUnavailableException;
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

    @Test
    void refreshStoppedMidway_leavesAllOrNothing_andTheNextStartCopiesEverything() throws Exception {
        try (Cluster c = new Cluster(2)) {
            c.start(0);
            fill(c.nodes[0].core(), 1500, 16);
            int expected = keyCount(c.nodes[0]);
            c.start(1);
            Poll.until("node 1 starts its refresh", LONG, () -> "refreshing".equals(state(c, 1)) || keyCount(c.nodes[1]) > 0);
            c.stop(1);
            try (Store store = Stores.create(c.config(1))) {
                store.open();
                int left = Replicator.replicaOf(store).read("count", tx -> tx.keyIds().size());
                assertTrue(left == 0 || left == expected, "a stopped refresh left " + left + " of " + expected + " keys");
            }
            c.start(1);
            Poll.until("node 1 answers after its refresh", LONG, () -> c.admin(1).get("/v1/keys?limit=1").status() == 200);
            assertEquals(expected, keyCount(c.nodes[1]));
            String origin = Replicator.meta(c.nodes[0].store(), Replicator.NODE);
            assertEquals(vector(c.nodes[0]).get(origin), vector(c.nodes[1]).get(origin));
        }
    }

    /**
     * A consumer 16,000 keys behind (past the first statistics refresh, so it applies several
     * batches per transaction) stopped mid-way keeps whole transactions only, and once started
     * again ends with everything, the supplier's vector and keys that decrypt. A trigger on its
     * database makes it stop at the same place on any machine: polling its count and stopping it
     * raced the catch-up, which a fast machine finished first.
     */
    @Test
    void catchUpFarBehind_stoppedMidway_resumesAndMovesEverything() throws Exception {
        try (Cluster c = new Cluster(2)) {
            c.start(0);
            c.start(1);
            c.awaitJoined();
            c.stop(1);
            // node 1's database refuses its 6,001st key (a constraint error, SQLite's code 19): the
            // transaction that would write it fails whole, so the catch-up stops midway however fast this machine is
            sqlite(c, 1, "CREATE TRIGGER test_stop_midway BEFORE INSERT ON kw_keys"
                    + " WHEN (SELECT count(*) FROM kw_keys) >= 6000 BEGIN SELECT RAISE(ABORT, 'test stops the catch-up here'); END");
            String sample = MergeScenariosTest.createKey(c.admin(0), "sample");
            String ciphertext = MergeScenariosTest.encrypt(c.admin(0), sample, "secret");
            fill(c.nodes[0].core(), 16_000, 16);
            int expected = keyCount(c.nodes[0]);
            c.start(1);
            boolean stopped = Poll.within(Duration.ofSeconds(60),
                    () -> String.valueOf(partner(c, 1).get("last_error")).contains("applyChanges failed (SQLState null, code 19)"));
            assertTrue(stopped, "node 1 did not stop midway: " + partner(c, 1) + ", " + keyCount(c.nodes[1]) + " keys");
            c.stop(1);
            int held;
            try (Store store = Stores.create(c.config(1))) {
                store.open();
                held = Replicator.replicaOf(store).read("count", tx -> tx.keyIds().size());
            }
            assertTrue(held >= 2_000 && held <= 6_000, "stopped with " + held + " of " + expected + " keys");
            sqlite(c, 1, "DROP TRIGGER test_stop_midway");
            c.start(1);
            String origin = Replicator.meta(c.nodes[0].store(), Replicator.NODE);
            String last = vector(c.nodes[0]).get(origin);
            Poll.until("node 1 catches up", LONG, () -> last.equals(vector(c.nodes[1]).get(origin)));
            assertEquals(expected, keyCount(c.nodes[1]));
            assertEquals("secret", MergeScenariosTest.decrypt(c.admin(1), sample, ciphertext));
        }
    }

    /** Runs {@code sql} on stopped node {@code node}'s SQLite database. */
    private static void sqlite(Cluster c, int node, String sql) throws java.sql.SQLException {
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + c.dirs.get(node).resolve("keyward.db"));
             java.sql.Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    private static Map<String, Object> partner(Cluster c, int node) {
        return Http.asMap(Http.asList(c.nodes[node].replicator().status().get("partners")).get(0));
    }

    private static String state(Cluster c, int node) {
        return (String) partner(c, node).get("state");
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
            fill(c.nodes[0].core(), keys, backend.equals("sqlite") ? 16 : 4);
            int expected = keyCount(c.nodes[0]);
            assertEquals(keys + sample.size(), expected);

            long t0 = System.nanoTime();
            c.start(1);
            String origin = Replicator.meta(c.nodes[0].store(), Replicator.NODE);
            String last = vector(c.nodes[0]).get(origin);
            Poll.until("node 1 catches up", LONG, () -> last.equals(vector(c.nodes[1]).get(origin)));
            report(backend, "catch-up of a consumer " + keys + " keys behind", keys, t0);
            assertEquals(expected, keyCount(c.nodes[1]));

            t0 = System.nanoTime();
            c.start(2);
            Poll.until("node 2 answers after its refresh", LONG, () -> c.admin(2).get("/v1/keys?limit=1").status() == 200);
            report(backend, "refresh of a new node with " + expected + " keys, until it answers", expected, t0);
            assertEquals(expected, keyCount(c.nodes[2]));
            t0 = System.nanoTime();
            int copied = c.nodes[2].replicator().refreshFrom(c.url(0));
            report(backend, "refresh-replication-consumer alone, " + copied + " objects", copied, t0);
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
                        create(core, admin, i);
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

    /** Creates key {@code i}, retrying while the store says it is busy (the creators queue on one origin lock). */
    private static void create(Core core, Principal admin, int i) {
        keyward.Poll.until("key " + i + " created while the store is busy", java.time.Duration.ofSeconds(30), () -> {
            try {
                core.keys().create(admin, new KeyRequests.Create(null, "aes-256-gcm", List.of("grp-" + i / 10), Map.of(),
                        false, 0));
                return true;
            } catch (StoreUnavailableException e) {
                return false;
            }
        });
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
