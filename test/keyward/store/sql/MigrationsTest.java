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
        TestDatabases.onNewPostgres(MigrationsTest::startTogether);
    }

    @Test
    void mariadb_fourInstancesStartingTogether_migrateExactlyOnce() throws Exception {
        TestDatabases.onNewMariadb(MigrationsTest::startTogether);
    }

    @Test
    void postgres_open_waitsForAnotherInstancesMigration_pastTheStatementTimeout() throws Exception {
        TestDatabases.onNewPostgres(o -> waitsForTheLock(o, "SELECT pg_advisory_lock(" + 0x6b65797761726400L + ")"));
    }

    @Test
    void mariadb_open_waitsForAnotherInstancesMigration_pastTheStatementTimeout() throws Exception {
        TestDatabases.onNewMariadb(o -> waitsForTheLock(o, "SELECT GET_LOCK('keyward_migrate', 5)"));
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
            // The claim is about the database's own timeout, which runs on the server's clock: real
            // time must pass beyond it, so this waits rather than moving a clock.
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
            assertEquals("0", single(st, "PRAGMA foreign_keys"), "declared, not enforced (schema step 6)");
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
        assertRedoneStepIsHarmless(o);
        if (!o.type().equals("sqlite")) {
            String schema = o.type().equals("mysql") ? "DATABASE()" : "current_schema()";
            assertEquals("0", query(o, "SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_type"
                    + " = 'FOREIGN KEY' AND table_schema = " + schema), "step 6 dropped the key children's foreign keys");
        }
    }

    /**
     * The last step's statements once more, as after a crash between a statement and the version row
     * (MySQL runs DDL outside transactions): each succeeds or finds its work already done.
     */
    private static void assertRedoneStepIsHarmless(SqlOptions o) throws SQLException {
        Dialect d = Dialect.of(o.type());
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            for (String template : Migrations.STEPS.get(Migrations.STEPS.size() - 1).statements()) {
                String sql = Migrations.expand(template, d);
                if (sql.isBlank()) {
                    continue;
                }
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    assertTrue(d.alreadyApplied(e), "redoing '" + template + "': " + e.getMessage());
                }
            }
        }
    }

    @Test
    void sqlite_auditAppendsMaintainNoNodeIndex() throws Exception {
        SqlOptions o = SqlOptions.sqlite(dir.resolve("kw.db"));
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
        }
        assertEquals("0", query(o, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                + " AND name IN ('kw_audit_node', 'kw_audit_key', 'kw_audit_user')"));
        assertEquals("1", query(o, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'kw_audit_refs_ref'"));
    }

    /**
     * A database at version 2 with audit entries (the per-entry indexes of then): the upgrade gives
     * them position ranges, so listings by key and by user still find every one of them.
     */
    @Test
    void sqlite_upgradeFromVersion2_keepsAuditListingsByKeyAndUser() throws Exception {
        SqlOptions o = SqlOptions.sqlite(dir.resolve("kw.db"));
        version2WithAudit(o);
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            List<keyward.store.AuditRecord> rare = s.listAudit(new keyward.store.AuditQuery(0, 100, null, "rare", null));
            assertEquals(25, rare.size());
            assertEquals(1000L, rare.get(0).seq());
            assertEquals(25_000L, rare.get(24).seq());
            List<keyward.store.AuditRecord> bob = s.listAudit(new keyward.store.AuditQuery(9_990, 5, null, null, "bob"));
            assertEquals(List.of(9_993L, 9_996L, 9_999L, 10_002L, 10_005L), bob.stream().map(keyward.store.AuditRecord::seq).toList());
        }
    }

    /**
     * Entries stored one per row before schema 4 stay where they are, and those appended after in
     * blocks follow them: positions keep rising, the chain continues, listings span both, and a
     * seq the older rows hold is refused.
     */
    @Test
    void sqlite_upgradeToBlocks_appendsAfterTheOlderRows() throws Exception {
        SqlOptions o = SqlOptions.sqlite(dir.resolve("kw.db"));
        version2WithAudit(o);
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            assertEquals("25001", query(o, "SELECT base FROM kw_audit_block_base"));
            assertEquals(25_000L, s.lastAudit("n1").orElseThrow().seq());
            List<keyward.store.AuditRecord> more = new java.util.ArrayList<>();
            for (int i = 25_001; i <= 25_010; i++) {
                more.add(new keyward.store.AuditRecord(0, "n1", i, java.time.Instant.ofEpochMilli(i), "bob", "encrypt",
                        "rare", "ok", null, null, new byte[] {1}));
            }
            s.appendAudit(more);
            assertEquals(25_010L, s.lastAudit("n1").orElseThrow().seq());
            List<keyward.store.AuditRecord> tail = s.listAudit(new keyward.store.AuditQuery(24_995, 100, null, null, null));
            assertEquals(java.util.stream.LongStream.rangeClosed(24_996, 25_010).boxed().toList(),
                    tail.stream().map(keyward.store.AuditRecord::seq).toList());
            assertTrue(tail.get(5).position() > 25_000, "block positions come after the older rows");
            List<keyward.store.AuditRecord> rare = s.listAudit(new keyward.store.AuditQuery(0, 100, "n1", "rare", null));
            assertEquals(35, rare.size());
            assertEquals(25_000L, rare.get(24).seq());
            assertEquals(25_010L, rare.get(34).seq());
            assertThrows(keyward.store.ConflictException.class, () -> s.appendAudit(List.of(new keyward.store.AuditRecord(
                    0, "n1", 24_999, java.time.Instant.EPOCH, null, "encrypt", null, "ok", null, null, new byte[] {2}))));
        }
    }

    /** A database at schema version 2 whose node n1 has 25,000 audit entries, one per row. */
    private static void version2WithAudit(SqlOptions o) throws SQLException {
        Dialect d = Dialect.of("sqlite");
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            st.execute(Migrations.expand("CREATE TABLE kw_schema_version (version {INT} NOT NULL PRIMARY KEY,"
                    + " description {NAME} NOT NULL, applied_at {BIGINT} NOT NULL)", d));
            for (Migrations.Step step : Migrations.STEPS.subList(0, 2)) {
                for (String sql : step.statements()) {
                    st.execute(Migrations.expand(sql, d));
                }
                st.execute("INSERT INTO kw_schema_version VALUES (" + step.version() + ", 'old', 0)");
            }
            c.setAutoCommit(false); // one transaction: 25,000 commits would each wait for the disk
            for (int i = 1; i <= 25_000; i++) { // positions past one 10,000-position bucket
                st.addBatch("INSERT INTO kw_audit (node, seq, time_ms, user_name, operation, key_ref, outcome, hash)"
                        + " VALUES ('n1', " + i + ", 0, '" + (i % 3 == 0 ? "bob" : "alice") + "', 'encrypt', '"
                        + (i % 1000 == 0 ? "rare" : "common") + "', 'ok', x'00')");
            }
            st.executeBatch();
            c.commit();
        }
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
