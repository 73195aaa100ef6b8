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
 * idempotent and migrations are serialized by {@code GET_LOCK}. Client-certificate login is
 * configured by driver properties ({@link SqlOptions#extra()}).
 */
final class MysqlDialect extends Dialect {

    /** Unavailable: too many connections (1040), read-only server (1290, 1836), Galera node not ready (1047). */
    private static final Set<Integer> UNAVAILABLE = Set.of(1040, 1290, 1836, 1047);

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

    @Override
    void onConnect(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
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
    }

    @Override
    void unlockSchema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK('keyward_migrate')")) {
            ps.setQueryTimeout(5);
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

    @Override
    String upsert(String table, String[] keys, String[] values) {
        StringBuilder set = new StringBuilder();
        for (String v : values) {
            set.append(set.length() == 0 ? "" : ", ").append(v).append(" = VALUES(").append(v).append(')');
        }
        return "INSERT INTO " + table + " (" + join(keys, ", ") + ", " + join(values, ", ") + ") VALUES ("
                + marks(keys.length + values.length) + ") ON DUPLICATE KEY UPDATE " + set;
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

    @Override
    boolean isRetryLater(SQLException e) {
        return RETRY.contains(e.getErrorCode()) || super.isRetryLater(e);
    }
}
