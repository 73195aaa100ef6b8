package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.store.AuditRecord;
import keyward.store.Store;
import keyward.store.StoreUnavailableException;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;

/** The store failing under the audit log: a real lock on the SQLite file, and a lost answer. */
class AuditLogFailureTest extends AuditFixture {

    /** Holds SQLite's write lock from another connection, as a long transaction elsewhere would. */
    private Connection lockDatabase() throws Exception {
        Connection c = jdbc();
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
        }
        return c;
    }

    private static void unlock(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
        }
    }

    @Test
    void storeUnavailable_keepsTheEntries_andStoresThemInOrderWhenItIsBack() throws Exception {
        AuditLog log = startLog(openStore(200), "n1");
        record(log, 2, "alice");
        assertTrue(log.flush(LONG));
        Connection lock = lockDatabase();
        record(log, 5, "bob");
        assertFalse(log.flush(Duration.ofMillis(600)));
        assertEquals(5, log.queued());
        unlock(lock);
        assertTrue(log.flush(LONG));
        assertEquals(7, log.written());
        assertEquals(0, log.dropped());
        List<AuditRecord> stored = entries("n1");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), stored.stream().map(AuditRecord::seq).toList());
        assertEquals("bob", stored.get(2).user());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void fullQueue_dropsAndCountsEntries_insteadOfHoldingRequests() throws Exception {
        AuditLog log = started(new AuditLog(openStore(200), key, "n1", Clock.system(), 2, Duration.ofMillis(20)));
        Connection lock = lockDatabase();
        record(log, 10, "alice");
        // the writer holds at most one batch (what the queue held) and the queue two more
        assertTrue(log.dropped() >= 6, "dropped " + log.dropped());
        unlock(lock);
        assertTrue(log.flush(LONG));
        assertEquals(10, log.written() + log.dropped());
        assertEquals(log.written(), entries("n1").size());
        assertTrue(verify().ok(), verify().message());
    }

    /** The real store, except that the first call of {@code method} fails: before it runs, or after. */
    private Store failFirst(String method, boolean afterRunning) {
        AtomicInteger calls = new AtomicInteger();
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, m, args) -> {
                    boolean fail = m.getName().equals(method) && calls.incrementAndGet() == 1;
                    if (fail && !afterRunning) {
                        throw new StoreUnavailableException("database unreachable", null);
                    }
                    Object result;
                    try {
                        result = m.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (fail) {
                        throw new StoreUnavailableException("connection reset after commit", null);
                    }
                    return result;
                });
    }

    @Test
    void appendWhoseAnswerWasLost_isNotStoredTwice() {
        AuditLog log = startLog(failFirst("appendAudit", true), "n1");
        record(log, 3, "alice");
        assertTrue(log.flush(LONG));
        record(log, 2, "bob");
        log.close();
        assertEquals(5, log.written());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), entries("n1").stream().map(AuditRecord::seq).toList());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void storeUnreadableAtStart_theWriterReadsTheTailBeforeItsFirstAppend() {
        AuditLog first = startLog(store, "n1");
        record(first, 3, "alice");
        first.close();
        AuditLog second = startLog(failFirst("lastAudit", false), "n1");
        record(second, 2, "bob");
        second.close();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), entries("n1").stream().map(AuditRecord::seq).toList());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void checkpointOfAFailedAppend_isStoredWithItsRetry() {
        AuditLog log = startLog(failFirst("appendAudit", false), "n1");
        record(log, 100, "alice");
        assertTrue(log.flush(LONG));
        assertEquals(List.of(100L), store.checkpoints("n1").stream().map(c -> c.seq()).toList());
        log.close();
        assertEquals(List.of(100L), store.checkpoints("n1").stream().map(c -> c.seq()).toList());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void checkpointOfAnAppendWhoseAnswerWasLost_countsAsStored() {
        AuditLog log = startLog(failFirst("appendAudit", true), "n1");
        record(log, 100, "alice");
        assertTrue(log.flush(LONG));
        record(log, 1, "bob");
        log.close();
        assertEquals(List.of(100L, 101L), store.checkpoints("n1").stream().map(c -> c.seq()).toList());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void checkpointAtStopTheStoreRefused_isWarnedAbout_andTheEntriesStay() {
        AuditLog log = startLog(failFirst("putCheckpoint", false), "n1");
        record(log, 5, "alice");
        log.close();
        assertEquals(5, log.written());
        assertEquals(List.of(), store.checkpoints("n1"));
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void close_whileTheStoreStaysDown_givesUpWithinItsDeadline_andCountsTheLoss() throws Exception {
        AuditLog log = startLog(openStore(200), "n1");
        record(log, 2, "alice");
        assertTrue(log.flush(LONG));
        lockDatabase();
        record(log, 3, "bob");
        long start = System.nanoTime();
        log.close();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 9, "close took " + seconds + " s");
        assertEquals(2, log.written());
        assertEquals(3, log.dropped());
        assertEquals(0, log.queued());
        assertTrue(log.flush(Duration.ofMillis(10)));
    }
}
