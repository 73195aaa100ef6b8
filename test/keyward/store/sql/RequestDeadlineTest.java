package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import keyward.store.StoreDeadline;
import keyward.store.StoreUnavailableException;
import keyward.store.TestDatabases;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Inside a request's scope ({@link StoreDeadline}) all the units of work of the request share one
 * db_timeout_ms: a unit still running when the request's time is spent is cut off (its connection
 * aborted) and raises {@link StoreUnavailableException}, never a late result; outside a scope each
 * unit has its own timeout, as before. The database itself does the waiting here (pg_sleep,
 * SLEEP), as a slow or stalled server would.
 */
class RequestDeadlineTest {
    private static final int TIMEOUT_MS = 1000;

    private static Jdbc jdbc(SqlOptions o) {
        Dialect dialect = Dialect.of(o.type());
        Properties props = dialect.driverDefaults(TIMEOUT_MS);
        props.setProperty("user", o.user());
        String url = JdbcUrls.toJdbc(o.type(), o.url());
        Pool pool = new Pool(o.type(), () -> DriverManager.getConnection(url, props), 2, TIMEOUT_MS, Clock.system());
        return new Jdbc(dialect, pool, pool, TIMEOUT_MS, Clock.system());
    }

    private static int sleep(Jdbc db, String sql) {
        return db.read("sleep", c -> {
            try (PreparedStatement ps = db.prepare(c, sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return 1;
            }
        });
    }

    private static void check(SqlOptions o, String sleepSql) {
        try (Jdbc db = jdbc(o)) {
            long t0 = System.nanoTime();
            StoreDeadline.Scope scope = StoreDeadline.begin();
            try {
                assertEquals(1, sleep(db, sleepSql.replace("?", "0.7")), "the first unit ends in time");
                // the second alone would end within db_timeout_ms, but not within what is left of the request's
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                        () -> sleep(db, sleepSql.replace("?", "0.8")));
                assertTrue(e.getMessage().contains("db_timeout_ms (1000 ms) is spent"), e.getMessage());
            } finally {
                scope.close();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < TIMEOUT_MS * 3 / 2, o.type() + ": the request took " + ms + " ms; db_timeout_ms is " + TIMEOUT_MS);
            // outside a request each unit has its own timeout, and the pool serves again
            assertEquals(1, sleep(db, sleepSql.replace("?", "0.7")));
            assertEquals(1, sleep(db, sleepSql.replace("?", "0.7")));
        }
    }

    @Test
    void postgres_aUnitRunningPastTheRequestsDeadline_isUnavailable_notALateResult() throws Exception {
        TestDatabases.onNewPostgres(o -> check(o, "SELECT pg_sleep(?)"));
    }

    @Test
    void mariadb_aUnitRunningPastTheRequestsDeadline_isUnavailable_notALateResult() throws Exception {
        TestDatabases.onNewMariadb(o -> check(o, "SELECT SLEEP(?)"));
    }
}
