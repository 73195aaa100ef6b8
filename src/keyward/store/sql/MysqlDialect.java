package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

/**
 * MySQL and MariaDB (also Galera) through Connector/J: InnoDB, utf8mb4 with a binary collation
 * (names and tags compare exactly, ids sort by code point), REPEATABLE READ sessions so a read
 * transaction is one snapshot. DDL is not transactional here, so every migration statement is
 * idempotent and migrations are serialized by {@code GET_LOCK} and, for Galera, a lease row. Client-certificate login is
 * configured by driver properties ({@link SqlOptions#extra()}).
 */
final class MysqlDialect extends Dialect {

    /**
     * Unavailable: too many connections (1040), read-only server (1290, 1836), Galera node outside
     * the primary component ("WSREP has not yet prepared node for application use", 1047), commit
     * failed as the node left the cluster (1180).
     */
    private static final Set<Integer> UNAVAILABLE = Set.of(1040, 1290, 1836, 1047, 1180);

    /**
     * Retry later, on the same connection: lock wait timeout and deadlock (1205, 1213), statement
     * killed by its timeout (1317, 3024 MySQL, 1969 MariaDB).
     */
    private static final Set<Integer> RETRY = Set.of(1205, 1213, 1317, 3024, 1969);

    @Override
    String kind() {
        return "mysql";
    }

    @Override
    Properties driverDefaults(int timeoutMs) {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Integer.toString(timeoutMs));
        p.setProperty("socketTimeout", Integer.toString(timeoutMs));
        p.setProperty("characterEncoding", "UTF-8");
        p.setProperty("connectionCollation", "utf8mb4_bin");
        p.setProperty("rewriteBatchedStatements", "true");
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /**
     * REPEATABLE READ; on Galera also causal reads (at least {@code wsrep_sync_wait=1}): a read
     * waits until this node has applied every write the cluster committed before it, so a key
     * rotated or revoked through another node is seen at once, and an instance that moved to
     * another node finds its own last audit entries there. MySQL has no such variable (1193).
     */
    @Override
    String analyzeStatement() {
        return "ANALYZE TABLE";
    }

    @Override
    String currentSchema() {
        return "DATABASE()";
    }

    @Override
    void onConnect(Connection c, int timeoutMs) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (PreparedStatement ps = c.prepareStatement("SET SESSION wsrep_sync_wait = @@session.wsrep_sync_wait | 1")) {
            ps.setQueryTimeout(5);
            ps.execute();
        } catch (SQLException e) {
            if (e.getErrorCode() != 1193) {
                throw e;
            }
        }
    }

    @Override
    String ddl(String placeholder) {
        return switch (placeholder) {
            case "ID" -> "VARCHAR(64)";
            case "NAME" -> "VARCHAR(255)";
            case "TEXT" -> "TEXT";
            case "BLOB" -> "LONGBLOB";
            case "HASH" -> "VARBINARY(64)";
            case "BIGINT" -> "BIGINT";
            case "INT" -> "INT";
            case "SERIAL" -> "BIGINT AUTO_INCREMENT PRIMARY KEY";
            case "CREATE_INDEX" -> "CREATE INDEX";
            case "POSITION_BUCKET" -> "position DIV 10000";
            case "TABLE" -> " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
            default -> throw new IllegalArgumentException("unknown DDL placeholder " + placeholder);
        };
    }

    @Override
    String keepJoinOrder() {
        return "STRAIGHT_JOIN ";
    }

    /**
     * A scalar subquery: MariaDB turns an EXISTS into a semi-join and materializes the whole
     * subquery (every key with a common tag) before the page's few index probes.
     */
    @Override
    String exists(String from, String where) {
        return "(SELECT 1 FROM " + from + " WHERE " + where + " LIMIT 1) IS NOT NULL";
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    /**
     * {@code GET_LOCK} serializes the instances on one server, but on Galera it is node-local: two
     * instances starting on two nodes would both migrate. So the holder of {@code GET_LOCK} also
     * takes a lease row in {@code kw_schema_lock}: inserting it is a committed write, which the
     * cluster orders (two nodes inserting it at once: one commit wins, the other fails its
     * certification as a deadlock, 1213, or finds the row, 1062, and waits). The lease runs
     * {@value #SCHEMA_LEASE_MS} ms on the database's clock and is renewed before every migration
     * statement; a crashed migrator's lease expires, and one left by a session of this very server
     * is stale at once (that session no longer holds {@code GET_LOCK}), so on a single server the
     * lease never makes anyone wait. The table is not part of the versioned schema: it must exist
     * before the lock it holds.
     */
    @Override
    void lockSchema(Connection c, int waitMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK('keyward_migrate', ?)")) {
            ps.setQueryTimeout(waitMs / 1000 + 2);
            ps.setInt(1, Math.max(1, waitMs / 1000));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new java.sql.SQLTimeoutException("timed out waiting for the schema lock keyward_migrate");
                }
            }
        }
        try {
            leaseSchema(c, waitMs);
        } catch (SQLException | RuntimeException e) {
            try {
                release(c);
            } catch (SQLException releaseFailed) {
                e.addSuppressed(releaseFailed);
            }
            throw e;
        }
    }

    static final long SCHEMA_LEASE_MS = 60_000;
    private static final String NOW_MS = "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";
    /** This server, as a lease holder's prefix: host name and port. */
    private static final String SERVER = "@@hostname, ':', @@port, '/'";

    private static void leaseSchema(Connection c, int waitMs) throws SQLException {
        exec(c, "CREATE TABLE IF NOT EXISTS kw_schema_lock (name VARCHAR(64) NOT NULL PRIMARY KEY,"
                + " holder VARCHAR(64) NOT NULL, until_ms BIGINT NOT NULL) ENGINE=InnoDB", null);
        exec(c, "SET @kw_schema_holder = CONCAT(" + SERVER + ", ?)", java.util.UUID.randomUUID().toString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            try {
                // expired, or left by a session of this server: that one no longer holds GET_LOCK, as we do
                exec(c, "DELETE FROM kw_schema_lock WHERE name = 'migrate' AND (until_ms < " + NOW_MS
                        + " OR holder LIKE CONCAT(" + SERVER + ", '%'))", null);
                exec(c, "INSERT INTO kw_schema_lock (name, holder, until_ms) VALUES ('migrate', @kw_schema_holder, "
                        + NOW_MS + " + " + SCHEMA_LEASE_MS + ")", null);
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1062 && e.getErrorCode() != 1213) {
                    throw e;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new java.sql.SQLTimeoutException("timed out waiting for the schema lock: another instance holds"
                        + " the row 'migrate' of kw_schema_lock (it expires " + SCHEMA_LEASE_MS / 1000
                        + " s after its holder's last step)");
            }
            try {
                Thread.sleep(50 + java.util.concurrent.ThreadLocalRandom.current().nextInt(100));
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new java.sql.SQLTimeoutException("interrupted while waiting for the schema lock");
            }
        }
    }

    @Override
    void renewSchemaLock(Connection c) throws SQLException {
        exec(c, "UPDATE kw_schema_lock SET until_ms = " + NOW_MS + " + " + SCHEMA_LEASE_MS
                + " WHERE name = 'migrate' AND holder = @kw_schema_holder", null);
    }

    @Override
    void unlockSchema(Connection c) throws SQLException {
        try {
            exec(c, "DELETE FROM kw_schema_lock WHERE name = 'migrate' AND holder = @kw_schema_holder", null);
        } finally {
            release(c);
        }
    }

    private static void release(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK('keyward_migrate')")) {
            ps.setQueryTimeout(5);
            ps.execute();
        }
    }

    private static void exec(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(30);
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            ps.execute();
        }
    }

    /**
     * 1050 table exists, 1061 duplicate key name, 1091 no such key to drop: the step got that far
     * before an interruption.
     */
    @Override
    boolean alreadyApplied(SQLException e) {
        return e.getErrorCode() == 1050 || e.getErrorCode() == 1060 || e.getErrorCode() == 1061 || e.getErrorCode() == 1091;
    }

    /** MySQL has no {@code DROP INDEX IF EXISTS} (MariaDB has): a missing index is error 1091. */
    @Override
    String dropIndex(String index, String table) {
        return "DROP INDEX " + index + " ON " + table;
    }

    /** InnoDB names a table's first foreign key table_ibfk_1; each child table has that one. A missing one is error 1091. */
    @Override
    String dropForeignKey(String column, String table) {
        return "ALTER TABLE " + table + " DROP FOREIGN KEY " + table + "_ibfk_1";
    }

    @Override
    boolean updatesByUpsert() {
        return true;
    }

    @Override
    boolean writesPreparedRows() {
        return true;
    }

    /** Connector/J prepares on the client unless asked: the connections keep that default for every other statement. */
    @Override
    PreparedStatement prepareOnServer(Connection c, String sql) throws SQLException {
        return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).serverPrepareStatement(sql);
    }

    /** {@code ON DUPLICATE KEY UPDATE v = VALUES(v), ...}: the keys are the table's unique ones. */
    @Override
    String upsertTail(String[] keys, String[] values) {
        StringBuilder set = new StringBuilder();
        for (String v : values) {
            set.append(set.length() == 0 ? "" : ", ").append(v).append(" = VALUES(").append(v).append(')');
        }
        return " ON DUPLICATE KEY UPDATE " + set;
    }

    /** 1062 duplicate entry, 1586 duplicate entry for a unique key in a multi-row statement. */
    @Override
    boolean isUnique(SQLException e) {
        return e.getErrorCode() == 1062 || e.getErrorCode() == 1586;
    }

    @Override
    boolean isUnavailable(SQLException e) {
        return UNAVAILABLE.contains(e.getErrorCode()) || super.isUnavailable(e);
    }

    /**
     * Only a deadlock (1213) rolls the transaction back: a Galera certification failure at commit
     * is reported as one. A lock wait timeout (1205) undoes only the statement, and it took long.
     */
    @Override
    boolean rolledBack(SQLException e) {
        return any(e, x -> x.getErrorCode() == 1213);
    }

    @Override
    boolean isRetryLater(SQLException e) {
        return RETRY.contains(e.getErrorCode()) || super.isRetryLater(e);
    }
}
