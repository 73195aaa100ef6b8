package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.ManualClock;
import keyward.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool, over real SQLite connections. */
class PoolTest {

    @TempDir
    Path dir;

    private final AtomicInteger made = new AtomicInteger();
    private final ManualClock clock = new ManualClock();

    private Pool pool(int size, int timeoutMs) {
        String url = "jdbc:sqlite:" + dir.resolve("p.db");
        return new Pool("test", () -> {
            made.incrementAndGet();
            return DriverManager.getConnection(url);
        }, size, timeoutMs, clock);
    }

    @Test
    void borrow_reusesTheIdleConnection() {
        try (Pool p = pool(2, 500)) {
            Connection first;
            try (Pool.Lease l = p.borrow()) {
                first = l.connection();
            }
            try (Pool.Lease l = p.borrow()) {
                assertSame(first, l.connection());
                assertTrue(l.reused());
            }
            assertEquals(1, made.get());
        }
    }

    @Test
    void usage_countsLentConnections_andThreadsWaitingForOne() throws Exception {
        try (Pool p = pool(1, 5_000)) {
            assertEquals(1, p.size());
            assertEquals(0, p.inUse());
            Pool.Lease held = p.borrow();
            assertEquals(1, p.inUse());
            Thread waiter = new Thread(() -> p.borrow().close());
            waiter.start();
            keyward.Poll.until("a thread waits for the connection", () -> p.waiting() == 1);
            held.close();
            waiter.join(5_000);
            assertEquals(0, p.waiting());
            assertEquals(0, p.inUse());
        }
    }

    @Test
    void borrow_whenAllAreLent_waitsAtMostTheTimeout_thenIsUnavailable() {
        try (Pool p = pool(1, 200); Pool.Lease held = p.borrow()) {
            long start = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, p::borrow);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 150 && ms < 2000, "waited " + ms + " ms");
            assertTrue(e.getMessage().contains("pool exhausted"), e.getMessage());
            assertTrue(held.connection() != null);
        }
    }

    @Test
    void brokenConnection_isClosed_andIdleOnesAreDiscardedToo() throws Exception {
        try (Pool p = pool(2, 500)) {
            Pool.Lease a = p.borrow();
            Pool.Lease b = p.borrow();
            Connection broken = a.connection();
            b.close();
            assertEquals(1, p.idleCount());
            a.broken();
            a.close();
            assertTrue(broken.isClosed());
            assertEquals(0, p.idleCount());
            try (Pool.Lease c = p.borrow()) {
                assertNotSame(broken, c.connection());
                assertEquals(3, made.get());
            }
        }
    }

    @Test
    void closedIdleConnection_isNotLentAgain() throws Exception {
        try (Pool p = pool(1, 500)) {
            Connection first;
            try (Pool.Lease l = p.borrow()) {
                first = l.connection();
            }
            first.close();
            try (Pool.Lease l = p.borrow()) {
                assertNotSame(first, l.connection());
            }
        }
    }

    @Test
    void idleConnection_olderThanTheBypassWindow_isValidated() throws Exception {
        try (Pool p = pool(1, 500)) {
            try (Pool.Lease l = p.borrow()) {
                l.connection().close(); // dies unnoticed while idle: the pool only learns by validating
            }
            clock.advanceMillis(Pool.VALIDATE_AFTER_MS);
            try (Pool.Lease l = p.borrow()) {
                assertTrue(l.connection().isValid(1));
            }
        }
    }

    @Test
    void close_refusesFurtherBorrowing_andClosesIdleConnections() throws Exception {
        Pool p = pool(1, 500);
        Connection c;
        try (Pool.Lease l = p.borrow()) {
            c = l.connection();
        }
        p.close();
        assertTrue(c.isClosed());
        assertThrows(StoreUnavailableException.class, p::borrow);
    }
}
