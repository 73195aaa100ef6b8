package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import keyward.store.StoreException;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema migrations: once per database however many instances start together; a newer schema is refused. */
class MigrationsTest {

    @TempDir
    Path dir;

    @Test
    void sqlite_fourInstancesStartingTogether_migrateExactlyOnce() throws Exception {
        startTogether(SqlOptions.sqlite(dir.resolve("kw.db")));
    }

    @Test
    void postgres_fourInstancesStartingTogether_migrateExactlyOnce() throws Exception {
        String url = TestDatabases.createPostgresDatabase();
        try {
            startTogether(TestDatabases.options(url));
        } finally {
            TestDatabases.dropPostgresDatabase(url);
        }
    }

    @Test
    void mariadb_fourInstancesStartingTogether_migrateExactlyOnce() throws Exception {
        String url = TestDatabases.createMysqlDatabase();
        try {
            startTogether(TestDatabases.options(url));
        } finally {
            TestDatabases.dropMysqlDatabase(url);
        }
    }

    @Test
    void postgres_open_waitsForAnotherInstancesMigration_pastTheStatementTimeout() throws Exception {
        String url = TestDatabases.createPostgresDatabase();
        try {
            waitsForTheLock(TestDatabases.options(url), "SELECT pg_advisory_lock(" + 0x6b65797761726400L + ")");
        } finally {
            TestDatabases.dropPostgresDatabase(url);
        }
    }

    @Test
    void mariadb_open_waitsForAnotherInstancesMigration_pastTheStatementTimeout() throws Exception {
        String url = TestDatabases.createMysqlDatabase();
        try {
            waitsForTheLock(TestDatabases.options(url), "SELECT GET_LOCK('keyward_migrate', 5)");
        } finally {
            TestDatabases.dropMysqlDatabase(url);
        }
    }

    /** Another session holds the schema lock for 1.5 s; a store with a 1 s timeout still opens, after it. */
    private static void waitsForTheLock(SqlOptions o, String lockSql) throws Exception {
        Connection holder = SqlTestSupport.connect(o);
        ExecutorService opener = Executors.newSingleThreadExecutor();
        try (SqlStore s = SqlStore.open(o.withTimeoutMs(1000))) {
            try (Statement st = holder.createStatement()) {
                st.execute(lockSql);
            }
            long start = System.nanoTime();
            Runnable open = s::open;
            Future<?> opened = opener.submit(open);
            Thread.sleep(1500);
            assertTrue(!opened.isDone(), "open waits while the lock is held");
            holder.close(); // releases the lock
            opened.get(30, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start > 1_400_000_000L);
        } finally {
            opener.shutdownNow();
            holder.close();
        }
        assertEquals(String.valueOf(Migrations.latest()), query(o, "SELECT MAX(version) FROM kw_schema_version"));
    }

    @Test
    void sqlite_schemaNewerThanThisBuild_isRefused() throws Exception {
        SqlOptions o = SqlOptions.sqlite(dir.resolve("kw.db"));
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
        }
        execute(o, "INSERT INTO kw_schema_version (version, description, applied_at) VALUES (999, 'future', 0)");
        try (SqlStore s = SqlStore.open(o)) {
            StoreException e = assertThrows(StoreException.class, s::open);
            assertTrue(e.getMessage().contains("999"), e.getMessage());
        }
    }

    @Test
    void sqlite_pragmas_makeCommitsDurable() throws Exception {
        SqlOptions o = SqlOptions.sqlite(dir.resolve("kw.db"));
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            assertTrue(Files.exists(dir.resolve("kw.db-wal")) || Files.exists(dir.resolve("kw.db")));
        }
        java.util.Properties p = new SqliteDialect().driverDefaults(5000);
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kw.db"), p);
             Statement st = c.createStatement()) {
            assertEquals("wal", single(st, "PRAGMA journal_mode"));
            assertEquals("2", single(st, "PRAGMA synchronous"), "FULL");
            assertEquals("1", single(st, "PRAGMA foreign_keys"));
            assertEquals("5000", single(st, "PRAGMA busy_timeout"));
        }
    }

    private static void startTogether(SqlOptions o) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<SqlStore> stores = new ArrayList<>();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SqlStore s = SqlStore.open(o);
                stores.add(s);
                runs.add(pool.submit(() -> {
                    go.await();
                    s.open();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(SqlStore::close);
        }
        assertEquals(List.of(String.valueOf(Migrations.latest()), String.valueOf(Migrations.STEPS.size())), List.of(
                query(o, "SELECT MAX(version) FROM kw_schema_version"), query(o, "SELECT COUNT(*) FROM kw_schema_version")));
    }

    private static String query(SqlOptions o, String sql) throws SQLException {
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            return single(st, sql);
        }
    }

    private static void execute(SqlOptions o, String sql) throws SQLException {
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
