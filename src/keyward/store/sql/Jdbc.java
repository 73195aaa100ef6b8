package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import keyward.store.ConflictException;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * Runs units of work on pooled connections: transactions, statement timeouts and the mapping of
 * SQL failures to store exceptions, in one place. Reads and writes may use different pools (SQLite
 * has a single writer). Thread-safe.
 */
final class Jdbc implements AutoCloseable {

    /** A unit of work on one connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    final Dialect dialect;
    private final Pool reads;
    private final Pool writes;
    private final int queryTimeoutSeconds;

    Jdbc(Dialect dialect, Pool reads, Pool writes, int timeoutMs) {
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.queryTimeoutSeconds = Math.max(1, (timeoutMs + 999) / 1000);
    }

    /** A read transaction: every query in it sees one snapshot. */
    <T> T read(String op, Work<T> work) {
        return transaction(reads, op, true, work);
    }

    /** A write transaction, committed if {@code work} returns, rolled back if it throws. */
    <T> T write(String op, Work<T> work) {
        return transaction(writes, op, false, work);
    }

    /** One statement in auto-commit mode. */
    <T> T once(String op, boolean write, Work<T> work) {
        try (Pool.Lease lease = (write ? writes : reads).borrow()) {
            try {
                return work.run(lease.connection());
            } catch (SQLException e) {
                throw failure(op, e, lease);
            }
        }
    }


    private <T> T transaction(Pool pool, String op, boolean snapshot, Work<T> work) {
        try (Pool.Lease lease = pool.borrow()) {
            Connection c = lease.connection();
            try {
                c.setAutoCommit(false);
                String first = snapshot ? dialect.snapshotStatement() : null;
                if (first != null) {
                    try (PreparedStatement ps = prepare(c, first)) {
                        ps.execute();
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                rollback(c, lease);
                throw failure(op, e, lease);
            } catch (RuntimeException | Error e) {
                rollback(c, lease);
                throw e;
            }
        }
    }

    private static void rollback(Connection c, Pool.Lease lease) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            lease.broken();
        }
    }

    /** A statement with the query timeout set; close it with try-with-resources. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            ps.setQueryTimeout(queryTimeoutSeconds);
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    boolean unique(SQLException e) {
        return dialect.classify(e) == Dialect.Failure.UNIQUE;
    }

    /** Throws a {@link ConflictException} for a unique violation, else returns {@code e} to be rethrown. */
    SQLException conflictIfUnique(SQLException e, ConflictException.Kind kind, String message) {
        if (unique(e)) {
            throw new ConflictException(kind, message);
        }
        return e;
    }

    /** Maps a failure; messages name the operation and the SQLState, never values. */
    private RuntimeException failure(String op, SQLException e, Pool.Lease lease) {
        String where = dialect.kind() + ": " + op + " failed (SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
        return switch (dialect.classify(e)) {
            case UNIQUE -> new ConflictException(ConflictException.Kind.ALREADY_EXISTS, op + ": already exists");
            case UNAVAILABLE -> {
                lease.broken();
                yield new StoreUnavailableException(where + ": database unavailable or timed out", e);
            }
            case OTHER -> new StoreException(where, e);
        };
    }

    @Override
    public void close() {
        reads.close();
        writes.close();
    }

    // ---- column helpers: instants are epoch milliseconds, nullable ----

    static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, java.sql.Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void setText(PreparedStatement ps, int i, String s) throws SQLException {
        if (s == null) {
            ps.setNull(i, java.sql.Types.VARCHAR);
        } else {
            ps.setString(i, s);
        }
    }

    static void setBytes(PreparedStatement ps, int i, byte[] b) throws SQLException {
        if (b == null) {
            ps.setNull(i, java.sql.Types.VARBINARY);
        } else {
            ps.setBytes(i, b);
        }
    }
}
