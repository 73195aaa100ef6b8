package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import keyward.Poll;
import keyward.store.StoreUnavailableException;
import keyward.store.TestDatabases;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A statement that loses to another session on the real PostgreSQL and MariaDB: a lock wait or
 * statement timeout is "unavailable, retry later"; a deadlock (the database rolled the transaction
 * back, as Galera does on a certification failure) runs the unit of work again. Either way the pool
 * keeps its connections: the same sessions serve the next requests, none is closed and none is made.
 */
class RetryLaterTest {

    /** A pool of two and its Jdbc on a test database, with a table t of rows 1 and 2. */
    private record Db(SqlOptions options, Dialect dialect, Pool pool, Jdbc jdbc) implements AutoCloseable {
        @Override
        public void close() {
            jdbc.close();
        }
    }

    private static Db db(SqlOptions o) throws SQLException {
        Dialect dialect = Dialect.of(o.type());
        Properties props = dialect.driverDefaults(o.timeoutMs());
        props.setProperty("user", o.user());
        String url = JdbcUrls.toJdbc(o.type(), o.url());
        Pool pool = new Pool("test", () -> DriverManager.getConnection(url, props), 2, o.timeoutMs(), Clock.system());
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
            st.execute("INSERT INTO t (id, v) VALUES (1, 0), (2, 0)");
            st.execute("CREATE TABLE heavy (id INT PRIMARY KEY, v INT NOT NULL)");
            for (int i = 0; i < 100; i++) {
                st.execute("INSERT INTO heavy (id, v) VALUES (" + i + ", 0)");
            }
        }
        return new Db(o, dialect, pool, new Jdbc(dialect, pool, pool, o.timeoutMs(), Clock.system()));
    }

    @Test
    void postgres_deadlock_runsTheWorkAgain_andThePoolKeepsItsConnections() throws Exception {
        TestDatabases.onNewPostgres(o -> {
            try (Db db = db(o)) {
                deadlock(db, "SET LOCAL deadlock_timeout = '50ms'");
            }
        });
    }

    @Test
    void postgres_statementTimeoutOnALock_isRetryLater_andThePoolKeepsItsConnections() throws Exception {
        TestDatabases.onNewPostgres(o -> {
            try (Db db = db(o)) {
                lockWait(db, "SET LOCAL statement_timeout = '100ms'");
            }
        });
    }

    @Test
    void mariadb_deadlock_runsTheWorkAgain_andThePoolKeepsItsConnections() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            try (Db db = db(o)) {
                deadlock(db, null);
            }
        });
    }

    @Test
    void mariadb_lockWaitTimeout_isRetryLater_andThePoolKeepsItsConnections() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            try (Db db = db(o)) {
                lockWait(db, "SET SESSION innodb_lock_wait_timeout = 1");
            }
        });
    }

    /**
     * The other session holds row 1 (and has changed many rows, so that MariaDB picks the pool's
     * lighter transaction as the victim); the pool's transaction takes row 2; the other session
     * asks for row 2 and waits; the pool's asks for row 1 and closes the cycle. PostgreSQL aborts
     * the session whose deadlock check runs first: the pool's, with the shorter deadlock_timeout.
     * The database rolled the pool's transaction back, so it runs again from the start (on the same
     * pooled session), waits for row 2 until the other session ends, and commits.
     */
    private static void deadlock(Db db, String poolSetup) throws Exception {
        Set<Long> sessions = sessions(db);
        // a timeout long enough that the rerun is still allowed after the slow lock-table polling below
        Jdbc patient = new Jdbc(db.dialect, db.pool, db.pool, 120_000, Clock.system());
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        try (Connection other = SqlTestSupport.connect(db.options)) {
            other.setAutoCommit(false);
            exec(other, "UPDATE heavy SET v = v + 1");
            exec(other, "UPDATE t SET v = v + 1 WHERE id = 1");
            CountDownLatch holdsRow2 = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> pooled = CompletableFuture.runAsync(() -> patient.write("deadlock", c -> {
                if (runs.incrementAndGet() == 1) {
                    if (poolSetup != null) {
                        exec(c, poolSetup);
                    }
                    exec(c, "UPDATE t SET v = v + 1 WHERE id = 2");
                    holdsRow2.countDown();
                    await(go);
                } else {
                    exec(c, "UPDATE t SET v = v + 1 WHERE id = 2");
                }
                exec(c, "UPDATE t SET v = v + 1 WHERE id = 1");
                return null;
            }));
            assertTrue(holdsRow2.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> otherWaits = CompletableFuture.runAsync(() -> {
                try {
                    exec(other, "UPDATE t SET v = v + 1 WHERE id = 2");
                } catch (SQLException e) {
                    throw new IllegalStateException("the other session was chosen as the victim", e);
                }
            });
            // the lock tables can lag a loaded server by seconds: a generous deadline, never a fixed wait
            Poll.until("the other session waits for row 2", java.time.Duration.ofSeconds(30), () -> lockWaits(db) >= 1);
            go.countDown();
            otherWaits.get(10, TimeUnit.SECONDS);  // the pool's transaction lost and was rolled back
            other.rollback();
            pooled.get(20, TimeUnit.SECONDS);
        }
        assertEquals(2, runs.get(), "the rolled-back unit of work runs once more");
        assertEquals(List.of(1L, 1L), db.jdbc.read("rows", c -> List.of(value(c, 1), value(c, 2))),
                "the rerun committed once, the first run not at all");
        assertKept(db, sessions);
    }

    /** The other session holds row 1; the pool's statement waits for it until its timeout. */
    private static void lockWait(Db db, String poolSetup) throws Exception {
        Set<Long> sessions = sessions(db);
        try (Connection other = SqlTestSupport.connect(db.options)) {
            other.setAutoCommit(false);
            exec(other, "UPDATE t SET v = v + 1 WHERE id = 1");
            assertRetryLater(CompletableFuture.runAsync(() -> db.jdbc.write("lock wait", c -> {
                exec(c, poolSetup);
                exec(c, "UPDATE t SET v = v + 1 WHERE id = 1");
                return null;
            })));
            other.rollback();
        }
        assertKept(db, sessions);
        assertEquals(List.of(0L, 0L), db.jdbc.read("rows", c -> List.of(value(c, 1), value(c, 2))),
                "the losing transaction was rolled back");
    }

    private static void assertRetryLater(CompletableFuture<Void> work) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> work.get(20, TimeUnit.SECONDS));
        StoreUnavailableException u = assertInstanceOf(StoreUnavailableException.class, e.getCause());
        assertTrue(u.getMessage().contains("retry later"), u.getMessage());
    }

    /** Both idle connections are still there, and they are the same database sessions as before. */
    private static void assertKept(Db db, Set<Long> before) throws SQLException {
        assertEquals(2, db.pool.idleCount(), "idle connections after the failure");
        assertEquals(before, sessions(db), "database sessions serving the pool");
    }

    /** The session ids of two connections lent at once, both given back afterwards. */
    private static Set<Long> sessions(Db db) throws SQLException {
        String sql = db.dialect.kind().equals("postgresql") ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
        Set<Long> ids = new HashSet<>();
        try (Pool.Lease a = db.pool.borrow(); Pool.Lease b = db.pool.borrow()) {
            ids.add(single(a.connection(), sql));
            ids.add(single(b.connection(), sql));
        }
        assertEquals(2, ids.size());
        return ids;
    }

    private static long lockWaits(Db db) {
        String sql = db.dialect.kind().equals("postgresql")
                ? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                : "SELECT count(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p"
                        + " ON p.id = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()";
        try (Connection c = SqlTestSupport.connect(db.options)) {
            return single(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long value(Connection c, int id) throws SQLException {
        return single(c, "SELECT v FROM t WHERE id = " + id);
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(20);
            st.execute(sql);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
