package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.function.Function;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.RandomRecords;
import keyward.store.StoreUnavailableException;
import keyward.store.TcpProxy;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A database that goes away, behind a {@link TcpProxy}: store calls fail with
 * {@link StoreUnavailableException} within the timeout (plus a margin for one idle-connection check),
 * never hang, and the same store serves again once the database is back.
 */
class OutageTest {

    private static final int TIMEOUT_MS = 1000;
    private static final long MARGIN_MS = 2000;

    private String url;
    private Function<String, Void> drop;
    private TcpProxy proxy;
    private SqlStore store;
    private final RandomRecords random = new RandomRecords(17);

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (url != null) {
            drop.apply(url);
        }
    }

    private void postgres() throws IOException {
        url = TestDatabases.createPostgresDatabase();
        drop = u -> { TestDatabases.dropPostgresDatabase(u); return null; };
        startBehindProxy(5432);
    }

    private void mariadb() throws IOException {
        url = TestDatabases.createMysqlDatabase();
        drop = u -> { TestDatabases.dropMysqlDatabase(u); return null; };
        startBehindProxy(3306);
    }

    private void startBehindProxy(int port) throws IOException {
        proxy = new TcpProxy("127.0.0.1", port);
        SqlOptions direct = TestDatabases.options(url);
        store = SqlStore.open(new SqlOptions(direct.type(), url.replace(":" + port + "/", ":" + proxy.port() + "/"),
                direct.user(), null, 2, TIMEOUT_MS, null));
        store.open();
    }

    @Test
    void postgres_cutConnections_failFast_thenTheStoreRecovers() throws IOException {
        postgres();
        cutThenRestore();
    }

    @Test
    void mariadb_cutConnections_failFast_thenTheStoreRecovers() throws IOException {
        mariadb();
        cutThenRestore();
    }

    @Test
    void postgres_stalledNetwork_timesOut_thenTheStoreRecovers() throws IOException {
        postgres();
        stallThenRestore();
    }

    @Test
    void mariadb_stalledNetwork_timesOut_thenTheStoreRecovers() throws IOException {
        mariadb();
        stallThenRestore();
    }

    @Test
    void postgres_openWhileDown_isUnavailable_andSucceedsLater() throws IOException {
        postgres();
        proxy.cut();
        SqlStore second = SqlStore.open(new SqlOptions("postgresql", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/x",
                "postgres", null, 1, TIMEOUT_MS, null));
        try {
            assertUnavailableInTime(second::open);
            assertFalse(second.ping());
        } finally {
            second.close();
        }
        proxy.restore();
        store.open();
    }

    private void cutThenRestore() {
        KeyRecord k = random.key();
        store.insertKey(k);
        proxy.cut();
        assertUnavailableInTime(() -> store.findKey(k.id()));
        assertUnavailableInTime(() -> store.insertKey(random.key()));
        assertUnavailableInTime(() -> store.locate(KeyQuery.all(10, null)));
        assertFalse(store.ping());
        proxy.restore();
        assertServesAgain(k);
    }

    private void stallThenRestore() {
        KeyRecord k = random.key();
        store.insertKey(k);
        proxy.stall();
        assertUnavailableInTime(() -> store.findKey(k.id()));
        assertUnavailableInTime(() -> store.updateKey(k));
        assertUnavailableInTime(() -> store.findKey(k.id()));
        proxy.restore();
        assertServesAgain(k);
    }

    private void assertServesAgain(KeyRecord k) {
        assertTrue(store.ping());
        assertEquals(k, store.findKey(k.id()).orElseThrow());
        KeyRecord other = random.key();
        store.insertKey(other);
        assertEquals(2, store.locate(KeyQuery.all(10, null)).keys().size());
    }

    private static void assertUnavailableInTime(Executable call) {
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, call);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < TIMEOUT_MS + MARGIN_MS, "answered after " + ms + " ms");
    }
}
