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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        onDatabases("sqlite", 3, flags -> run("sqlite", KEYS, flags));
    }

    @Test
    void postgres_catchUpAndRefresh_moveEverything() throws Exception {
        onDatabases("postgresql", 3, flags -> run("postgresql", KEYS_NET, flags));
    }

    @Test
    void mariadb_catchUpAndRefresh_moveEverything() throws Exception {
        onDatabases("mysql", 3, flags -> run("mariadb", KEYS_NET, flags));
    }

    /** What runs on the nodes' databases. */
    private interface OnDatabases {
        void run(List<List<String>> flags) throws Exception;
    }

    /** Runs {@code body} with the database flags of {@code nodes} nodes, each on a new database of {@code type} (dropped after). */
    private static void onDatabases(String type, int nodes, OnDatabases body) throws Exception {
        List<List<String>> flags = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                flags.add(TestDatabases.newNodeDatabase(type));
            }
            body.run(flags);
        } finally {
            flags.forEach(TestDatabases::dropNodeDatabase);
        }
    }

    /** What runs on a cluster of two nodes. */
    private interface OnCluster {
        void run(Cluster c) throws Exception;
    }

    /** Runs {@code body} on two nodes, each on a new database of {@code type}; node 0 started. */
    private static void onTwoNodes(String type, OnCluster body) throws Exception {
        onDatabases(type, 2, flags -> {
            try (Cluster c = new Cluster(2, true, flags)) {
                c.start(0);
                body.run(c);
            }
        });
    }

    /**
     * A new node's automatic refresh that fails after 1,000 of 1,500 keys (its database refuses the
     * 1,001st, as a full disk would) leaves nothing: the copy is one transaction. Once the database
     * takes writes again, the next start copies everything.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql", "mysql"})
    void refreshFailingMidway_leavesNothing_andTheNextStartCopiesEverything(String type) throws Exception {
        onTwoNodes(type, c -> {
            fill(c.nodes[0].core(), 1500, 16);
            int expected = keyCount(c.nodes[0]);
            stopAfter(c, 1, 1000, true);
            c.start(1);
            awaitStoppedByTheDatabase(c, 1);
            c.stop(1);
            assertEquals(0, storedKeys(c, 1), "a failed refresh leaves nothing");
            stopAfter(c, 1, 0, false);
            c.start(1);
            Poll.until("node 1 answers after its refresh", LONG, () -> c.admin(1).get("/v1/keys?limit=1").status() == 200);
            assertEquals(expected, keyCount(c.nodes[1]));
            String origin = Replicator.meta(c.nodes[0].store(), Replicator.NODE);
            assertEquals(vector(c.nodes[0]).get(origin), vector(c.nodes[1]).get(origin));
        });
    }

    /**
     * A consumer 16,000 keys behind (past the first statistics refresh, so it applies several
     * batches per transaction) stopped mid-way keeps whole transactions only, and once started
     * again ends with everything, the supplier's vector and keys that decrypt. A trigger on its
     * database makes it stop at the same place on any machine: polling its count and stopping it
     * raced the catch-up, which a fast machine finished first.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql", "mysql"})
    void catchUpFarBehind_stoppedMidway_resumesAndMovesEverything(String type) throws Exception {
        onTwoNodes(type, c -> {
            c.start(1);
            c.awaitJoined();
            c.stop(1);
            String sample = MergeScenariosTest.createKey(c.admin(0), "sample");
            String ciphertext = MergeScenariosTest.encrypt(c.admin(0), sample, "secret");
            fill(c.nodes[0].core(), 16_000, type.equals("sqlite") ? 16 : 4);
            int expected = keyCount(c.nodes[0]);
            stopAfter(c, 1, 6000, true);
            c.start(1);
            awaitStoppedByTheDatabase(c, 1);
            c.stop(1);
            int held = storedKeys(c, 1);
            assertTrue(held >= 2_000 && held <= 6_000, "stopped with " + held + " of " + expected + " keys");
            stopAfter(c, 1, 0, false);
            c.start(1);
            String origin = Replicator.meta(c.nodes[0].store(), Replicator.NODE);
            String last = vector(c.nodes[0]).get(origin);
            Poll.until("node 1 catches up", LONG, () -> last.equals(vector(c.nodes[1]).get(origin)));
            assertEquals(expected, keyCount(c.nodes[1]));
            assertEquals("secret", MergeScenariosTest.decrypt(c.admin(1), sample, ciphertext));
        });
    }

    /**
     * Makes stopped node {@code node}'s database refuse every key row inserted beyond the first
     * {@code keys} (the transaction that would write it fails whole), or ({@code on} false) takes
     * that back. A trigger, so that the bulk path stops at the same place on any machine: polling
     * a count and stopping the node raced the copy, which a fast machine finished first.
     */
    private static void stopAfter(Cluster c, int node, int keys, boolean on) throws java.sql.SQLException {
        List<String> flags = c.databaseFlags.get(node);
        String url = flags.isEmpty() ? "jdbc:sqlite:" + c.dirs.get(node).resolve("keyward.db")
                : flags.stream().filter(f -> f.startsWith("--database-url=")).findFirst().orElseThrow().substring(15);
        String refuse = "'the test stops the copy here'";
        List<String> sql;
        if (url.startsWith("jdbc:sqlite:")) {
            sql = on ? List.of("CREATE TRIGGER test_stop BEFORE INSERT ON kw_keys WHEN (SELECT count(*) FROM kw_keys) >= "
                    + keys + " BEGIN SELECT RAISE(ABORT, " + refuse + "); END") : List.of("DROP TRIGGER test_stop");
        } else if (url.startsWith("jdbc:postgresql:")) {
            // a counter, not count(*): a scan per row would be slow (the counter rolls back with the failed transaction)
            sql = on ? List.of("CREATE TABLE test_stop (n int NOT NULL)", "INSERT INTO test_stop VALUES (0)",
                    "CREATE FUNCTION test_stop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " UPDATE test_stop SET n = n + 1; IF (SELECT n FROM test_stop) > " + keys
                            + " THEN RAISE EXCEPTION " + refuse + "; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER test_stop BEFORE INSERT ON kw_keys FOR EACH ROW EXECUTE FUNCTION test_stop()")
                    : List.of("DROP TRIGGER test_stop ON kw_keys", "DROP FUNCTION test_stop()", "DROP TABLE test_stop");
        } else {
            sql = on ? List.of("CREATE TABLE test_stop (n int NOT NULL)", "INSERT INTO test_stop VALUES (0)",
                    "CREATE TRIGGER test_stop BEFORE INSERT ON kw_keys FOR EACH ROW BEGIN UPDATE test_stop SET n = n + 1;"
                            + " IF (SELECT n FROM test_stop) > " + keys + " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
                            + refuse + "; END IF; END")
                    : List.of("DROP TRIGGER test_stop", "DROP TABLE test_stop");
        }
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection(url); java.sql.Statement st = conn.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        }
    }

    /** Waits until node {@code node}'s pulls fail on its own database (the trigger of {@link #stopAfter}). */
    private static void awaitStoppedByTheDatabase(Cluster c, int node) {
        boolean stopped = Poll.within(LONG, () -> String.valueOf(partner(c, node).get("last_error")).startsWith("this node's database:"));
        assertTrue(stopped, "node " + node + " did not stop midway: " + partner(c, node) + ", " + keyCount(c.nodes[node]) + " keys");
    }

    /** The keys stopped node {@code node}'s database holds. */
    private static int storedKeys(Cluster c, int node) {
        try (Store store = Stores.create(c.config(node))) {
            store.open();
            return Replicator.replicaOf(store).read("count", tx -> tx.keyIds().size());
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
