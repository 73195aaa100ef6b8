package keyward.store.sql;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Properties;

/**
 * What differs between the SQL databases; everything else is one implementation in the store.
 * Stateless and thread-safe.
 */
abstract class Dialect {

    /**
     * How a failed statement is answered: UNIQUE is a conflict; RETRY lost to other work (deadlock,
     * serialization failure, lock wait or statement timeout) on a connection that is fine once
     * rolled back; UNAVAILABLE means the connection, or the server behind it, is gone or cannot
     * serve; OTHER is anything else. RETRY and UNAVAILABLE both answer "unavailable, retry later".
     */
    enum Failure { UNIQUE, RETRY, UNAVAILABLE, OTHER }

    static Dialect of(String type) {
        return switch (type) {
            case "sqlite" -> new SqliteDialect();
            case "postgresql" -> new PostgresDialect();
            case "mysql" -> new MysqlDialect();
            default -> throw new IllegalArgumentException("database type must be one of sqlite, postgresql, mysql");
        };
    }

    /** "sqlite", "postgresql" or "mysql". */
    abstract String kind();

    /** Driver properties derived from the timeout; operator properties are applied over them. */
    abstract Properties driverDefaults(int timeoutMs);

    /** True for a database in this process (SQLite): a round trip costs a call, not a network exchange. */
    boolean inProcess() {
        return false;
    }

    /** True if opening a connection failed only because the database was busy: worth another try. */
    boolean busyWhileOpening(SQLException e) {
        return false;
    }

    /** Preparation before the driver opens {@code jdbcUrl} (SQLite: the file's permissions). */
    void beforeConnect(String jdbcUrl) throws SQLException {
    }

    /** The statement that refreshes one table's planner statistics (the table's name follows), or null. */
    String analyzeStatement() {
        return null;
    }

    /** The SQL expression naming the schema (database) the tables are in. */
    String currentSchema() {
        return "current_schema()";
    }

    /** Session setup right after connecting; {@code timeoutMs} is {@code db_timeout_ms}. */
    void onConnect(Connection c, int timeoutMs) throws SQLException {
    }

    /**
     * True if many rows can be written by one statement over array parameters ({@code UPDATE ...
     * FROM unnest(...)}, {@code INSERT ... SELECT * FROM unnest(...)}; PostgreSQL): a batch of a
     * thousand single-row statements is a thousand statements for the server to run, and the
     * driver's multi-row rewrite of an insert batch still sends statements of 2,048 parameters.
     */
    boolean updatesFromArrays() {
        return false;
    }

    /**
     * True if many rows known to exist are best rewritten by one multi-row {@code INSERT ... ON
     * DUPLICATE KEY UPDATE} (MySQL, MariaDB): the driver sends a batch of single-row updates in one
     * round trip, but the server still runs each as a statement of its own.
     */
    boolean updatesByUpsert() {
        return false;
    }

    /**
     * True if many rows are best written as multi-row statements prepared on the server ({@link
     * BulkInsert}; MySQL, MariaDB): the driver would escape every blob byte by byte into the text
     * of a batch, twice (once to size the statement), and the server would then lex every value.
     */
    boolean writesPreparedRows() {
        return false;
    }

    /** A statement prepared on the database server, whatever the connection's default (the driver's own here). */
    PreparedStatement prepareOnServer(Connection c, String sql) throws SQLException {
        return c.prepareStatement(sql);
    }

    /** SQLite has one writer: its writes go through a pool of one, serialized in Java. */
    boolean singleWriter() {
        return false;
    }

    /**
     * True if a failed statement leaves the transaction unusable until a rollback (PostgreSQL);
     * elsewhere only the statement is undone and the transaction goes on.
     */
    boolean failedStatementAbortsTransaction() {
        return false;
    }

    /**
     * DDL for a placeholder: the types ID, NAME, TEXT, BLOB, HASH, BIGINT, INT, SERIAL; TABLE (a
     * suffix); CREATE_INDEX; POSITION_BUCKET (an audit position divided by 10,000, as an integer).
     */
    abstract String ddl(String placeholder);

    /** Drops an index if it is there. */
    String dropIndex(String index, String table) {
        return "DROP INDEX IF EXISTS " + index;
    }

    /**
     * Drops the foreign key that step 1 declared on {@code column} of {@code table}, if it is there
     * (PostgreSQL names it table_column_fkey); an empty string where there is nothing to drop.
     */
    String dropForeignKey(String column, String table) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + table + "_" + column + "_fkey";
    }

    /** A statement run first in a read transaction so that its queries share one snapshot, or null. */
    String snapshotStatement() {
        return null;
    }

    /** True where DDL is transactional, so a migration step commits or rolls back whole. */
    abstract boolean transactionalDdl();

    /** Takes the cross-instance schema lock, waiting at most {@code waitMs}. */
    abstract void lockSchema(Connection c, int waitMs) throws SQLException;

    /** Keeps a schema lock that expires (MySQL's lease) from expiring; called before each migration statement. */
    void renewSchemaLock(Connection c) throws SQLException {
    }

    /** Releases a session-scoped schema lock; transaction-scoped ones end with the transaction. */
    void unlockSchema(Connection c) throws SQLException {
    }

    /**
     * True for a DDL error that means the statement's work is already done (a step redone after a
     * crash): the object it creates is there, or the one it drops is gone.
     */
    boolean alreadyApplied(SQLException e) {
        return false;
    }

    /**
     * {@code INSERT ... or replace the value columns} keyed on {@code keys}. Placeholders: keys
     * first, then values, in the order given.
     */
    final String upsert(String table, String[] keys, String[] values) {
        return "INSERT INTO " + table + " (" + join(keys, ", ") + ", " + join(values, ", ") + ") VALUES ("
                + marks(keys.length + values.length) + ")" + upsertTail(keys, values);
    }

    /**
     * What follows an INSERT's rows to make it an upsert keyed on {@code keys}: here the PostgreSQL
     * and SQLite {@code ON CONFLICT (keys) DO UPDATE SET v = excluded.v, ...}.
     */
    String upsertTail(String[] keys, String[] values) {
        StringBuilder set = new StringBuilder();
        for (String v : values) {
            set.append(set.length() == 0 ? "" : ", ").append(v).append(" = excluded.").append(v);
        }
        return " ON CONFLICT (" + join(keys, ", ") + ") DO UPDATE SET " + set;
    }

    /** Written after SELECT to keep the join order of the FROM clause; MySQL's planner may otherwise reorder it. */
    String keepJoinOrder() {
        return "";
    }

    /**
     * A condition true when {@code SELECT 1 FROM from WHERE where} has a row, checked per row of
     * the outer query (the caller has already chosen the cheapest table to drive the query).
     */
    String exists(String from, String where) {
        return "EXISTS (SELECT 1 FROM " + from + " WHERE " + where + ")";
    }

    /** A condition that {@code column} is one of {@code n} values, bound by {@link #bindIn}. */
    String in(String column, int n) {
        return column + " IN (" + marks(n) + ")";
    }

    /** Binds the values of {@link #in} from parameter {@code first}; returns the next index. */
    int bindIn(PreparedStatement ps, int first, List<String> values) throws SQLException {
        for (String v : values) {
            ps.setString(first++, v);
        }
        return first;
    }

    /**
     * Classifies a failure by walking the exception with its batch ("next") and cause chains: a
     * unique violation anywhere wins, then connection loss, then a retry-later state.
     */
    final Failure classify(SQLException e) {
        Failure found = Failure.OTHER;
        for (Throwable t : chain(e)) {
            if (t instanceof SQLException s) {
                if (isUnique(s)) {
                    return Failure.UNIQUE;
                }
                if (isUnavailable(s)) {
                    found = Failure.UNAVAILABLE;
                } else if (found == Failure.OTHER && isRetryLater(s)) {
                    found = Failure.RETRY;
                }
            } else if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof java.io.EOFException
                    || t instanceof java.net.SocketException) {
                found = Failure.UNAVAILABLE;
            }
        }
        return found;
    }

    /** {@code e} and what its batch ("next") and cause chains hold, breadth first, each once, at most 20. */
    static List<Throwable> chain(SQLException e) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Throwable> out = new java.util.ArrayList<>();
        while (!todo.isEmpty() && seen.size() < 20) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            out.add(t);
            if (t instanceof SQLException s && s.getNextException() != null) {
                todo.add(s.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return out;
    }

    abstract boolean isUnique(SQLException e);

    /** A lost or refused connection (class 08) or a server that cannot serve; dialects add their codes. */
    boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException
                || (state != null && state.startsWith("08"))
                || message.contains("connection refused") || message.contains("connection reset");
    }

    /**
     * Lost to other work, on a connection that stays usable after a rollback: a rolled-back
     * transaction (class 40: deadlock, serialization failure) or a statement timeout; dialects
     * add their codes.
     */
    boolean isRetryLater(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransactionRollbackException || e instanceof SQLTimeoutException
                || (state != null && state.startsWith("40"));
    }

    /**
     * True if the database rolled the whole transaction back because it lost to another one
     * (SQLState class 40: a deadlock, a serialization failure, a Galera certification failure at
     * commit), so that running the unit of work again from the start is what the database asks
     * for. Statement and lock-wait timeouts are not: they took long already.
     */
    boolean rolledBack(SQLException e) {
        return any(e, x -> x.getSQLState() != null && x.getSQLState().startsWith("40") && !(x instanceof SQLTimeoutException));
    }

    /** True if {@code test} holds for {@code e} or an exception on its batch ("next") or cause chains. */
    static boolean any(SQLException e, java.util.function.Predicate<SQLException> test) {
        return chain(e).stream().anyMatch(t -> t instanceof SQLException s && test.test(s));
    }

    static String join(String[] names, String sep) {
        return String.join(sep, names);
    }

    static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
