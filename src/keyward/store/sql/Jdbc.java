package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import keyward.store.ConflictException;
import keyward.store.StoreDeadline;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;
import keyward.time.Clock;

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
    private final long retryWithinNanos;
    private final long rerunWithinNanos;
    private final GroupCommit group; // the single writer's: null where writers run in parallel
    private final Clock clock;
    private final int timeoutMs;
    private final boolean watched; // SQLite is local: no socket to end, and closing it under a statement is unsafe

    Jdbc(Dialect dialect, Pool reads, Pool writes, int timeoutMs, Clock clock) {
        this.dialect = dialect;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
        this.watched = !dialect.singleWriter();
        this.reads = reads;
        this.writes = writes;
        this.group = dialect.singleWriter() ? new GroupCommit(this) : null;
        this.queryTimeoutSeconds = Math.max(1, (timeoutMs + 999) / 1000);
        this.retryWithinNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs / 4);
        this.rerunWithinNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs / 2);
    }

    /** How a unit of work runs: in a transaction or not, on a snapshot, retried on a dead pooled connection. */
    private record Mode(boolean transaction, boolean snapshot, boolean retry) {
    }

    private static final Mode READ_TX = new Mode(true, true, true);
    private static final Mode WRITE_TX = new Mode(true, false, false);
    private static final Mode READ = new Mode(false, false, true);
    private static final Mode WRITE = new Mode(false, false, false);
    private static final Mode IDEMPOTENT = new Mode(false, false, true);
    /** How often a unit of work runs at most when the database keeps rolling it back (a deadlock). */
    static final int ROLLED_BACK_ATTEMPTS = 5;

    /** A read transaction: every query in it sees one snapshot. */
    <T> T read(String op, Work<T> work) {
        return run(reads, op, READ_TX, work);
    }

    /**
     * A write transaction, committed if {@code work} returns, rolled back if it throws. With a
     * single writer, concurrent ones share a commit ({@link GroupCommit}); either way this returns
     * only once the write is committed. {@code work} must leave the transaction to this class: it
     * neither commits nor rolls back.
     */
    <T> T write(String op, Work<T> work) {
        return group != null ? group.run(op, work, true) : run(writes, op, WRITE_TX, work);
    }

    /** The single writer's group commit, or null where writers run in parallel. */
    GroupCommit group() {
        return group;
    }

    /** One statement in auto-commit mode (a write may share a group commit, as {@link #write} does). */
    <T> T once(String op, boolean write, Work<T> work) {
        if (!write) {
            return run(reads, op, READ, work);
        }
        return group != null ? group.run(op, work, false) : run(writes, op, WRITE, work);
    }

    /** On the writer connection, past the group commit: for {@link GroupCommit}, which batches into this. */
    <T> T onWriter(String op, boolean transaction, Work<T> work) {
        return run(writes, op, transaction ? WRITE_TX : WRITE, work);
    }

    /** Work on the write side that manages its own transactions and may be repeated (schema migration). */
    <T> T idempotent(String op, Work<T> work) {
        return run(writes, op, IDEMPOTENT, work);
    }

    /**
     * Runs {@code work}; if it may be repeated and failed at once for want of a database on a pooled
     * connection, runs it once more: that connection died while idle (a database restart), and the
     * pool has discarded it with its idle siblings. A failure that took long is a timeout, and a
     * second attempt would only double the wait. A unit of work the database rolled back because it
     * lost to another transaction ({@link Dialect#rolledBack}: a deadlock, a serialization failure,
     * a Galera certification failure at commit) runs again, up to {@value #ROLLED_BACK_ATTEMPTS}
     * times in all while less than half the timeout has passed: units of work keep no state outside the
     * transaction, and a compare-and-set in it simply finds the other transaction's row the next
     * time.
     */
    private <T> T run(Pool pool, String op, Mode mode, Work<T> work) {
        long first = clock.nanos();
        for (int attempt = 0; ; attempt++) {
            long start = clock.nanos();
            try (Pool.Lease lease = pool.borrow()) {
                Connection c = lease.connection();
                long left = watched ? SqlDeadline.leftNanos(timeoutMs) : Long.MAX_VALUE;
                if (left <= 0) {
                    throw SqlDeadline.spent(dialect.kind() + ": " + op, timeoutMs);
                }
                // the watch stays armed through the rollback and checks below: they talk to the database too
                SqlDeadline.Watch watch = SqlDeadline.watch(c, left);
                try {
                    T result = mode.transaction ? inTransaction(c, mode.snapshot, work) : work.run(c);
                    fired(watch, lease); // aborted just as the work ended: the result stands, the connection does not
                    return result;
                } catch (SQLException e) {
                    if (fired(watch, lease)) {
                        throw SqlDeadline.spent(dialect.kind() + ": " + op, timeoutMs);
                    }
                    Dialect.Failure f = lostConnection(dialect.classify(e), c);
                    if (f == Dialect.Failure.UNAVAILABLE) {
                        lease.broken(); // no rollback: it could wait out another timeout; closing ends the transaction
                    } else if (mode.transaction) {
                        rollback(c, lease); // after a deadlock or a timeout (RETRY) the connection goes back to the pool
                    }
                    if (fired(watch, lease) && f != Dialect.Failure.UNIQUE) {
                        throw SqlDeadline.spent(dialect.kind() + ": " + op, timeoutMs);
                    }
                    boolean quick = clock.nanos() - start < retryWithinNanos;
                    if (f == Dialect.Failure.UNAVAILABLE && mode.retry && lease.reused() && quick && attempt == 0) {
                        continue;
                    }
                    if (f == Dialect.Failure.RETRY && attempt < ROLLED_BACK_ATTEMPTS - 1 && dialect.rolledBack(e)
                            && clock.nanos() - first < rerunWithinNanos) {
                        pause(attempt);
                        continue;
                    }
                    throw failure(op, f, e);
                } catch (RuntimeException | Error e) {
                    if (fired(watch, lease)) {
                        throw SqlDeadline.spent(dialect.kind() + ": " + op, timeoutMs);
                    }
                    if (mode.transaction) {
                        rollback(c, lease);
                    }
                    throw e;
                } finally {
                    if (watch != null) {
                        watch.close();
                    }
                }
            }
        }
    }

    /**
     * True if the request's deadline aborted the connection (it is then marked broken): the unit
     * answers 503, whatever the driver made of the abort.
     */
    private static boolean fired(SqlDeadline.Watch watch, Pool.Lease lease) {
        if (watch == null || !watch.fired()) {
            return false;
        }
        lease.broken();
        return true;
    }

    /** A short random pause before running a rolled-back unit of work again, longer each time. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A failure the driver did not report as a lost connection, on a connection that is gone, is
     * one: Connector/J answers a connection dropped during a batch with "statement closed" (S1009)
     * from its own cleanup, hiding the network error.
     */
    private static Dialect.Failure lostConnection(Dialect.Failure f, Connection c) {
        if (f != Dialect.Failure.OTHER) {
            return f;
        }
        try {
            return c.isClosed() || !c.isValid(1) ? Dialect.Failure.UNAVAILABLE : f;
        } catch (SQLException e) {
            return Dialect.Failure.UNAVAILABLE;
        }
    }

    private <T> T inTransaction(Connection c, boolean snapshot, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        String first = snapshot ? dialect.snapshotStatement() : null;
        if (first != null) {
            try (PreparedStatement ps = prepare(c, first)) {
                ps.execute();
            }
        }
        T result = work.run(c);
        c.commit();
        c.setAutoCommit(true);
        return result;
    }

    private static void rollback(Connection c, Pool.Lease lease) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            lease.broken();
        }
    }

    /**
     * A statement with the query timeout set; close it with try-with-resources. Inside a request
     * on a networked database there is none: the request's deadline aborts the connection instead
     * ({@link SqlDeadline}), and a driver's timeout would first send a cancel request over a new
     * connection and wait for it (pgjdbc, up to its own timeout), so that a stalled database made
     * the request wait twice. PostgreSQL's server still ends the statement ({@code
     * statement_timeout}).
     */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        return timed(c.prepareStatement(sql));
    }

    /** As {@link #prepare}, prepared on the database server ({@link Dialect#prepareOnServer}). */
    PreparedStatement prepareOnServer(Connection c, String sql) throws SQLException {
        return timed(dialect.prepareOnServer(c, sql));
    }

    /** A plain statement with the query timeout set as {@link #prepare} sets it; close it with try-with-resources. */
    java.sql.Statement statement(Connection c) throws SQLException {
        return timed(c.createStatement());
    }

    private <S extends java.sql.Statement> S timed(S st) throws SQLException {
        try {
            if (!watched || !StoreDeadline.inRequest()) {
                st.setQueryTimeout(queryTimeoutSeconds);
            }
            return st;
        } catch (SQLException e) {
            st.close();
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
    RuntimeException failure(String op, Dialect.Failure f, SQLException e) {
        String where = dialect.kind() + ": " + op + " failed (SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
        return switch (f) {
            case UNIQUE -> new ConflictException(ConflictException.Kind.ALREADY_EXISTS, op + ": already exists");
            case RETRY -> new StoreUnavailableException(where + ": lost to concurrent work or timed out; retry later", e);
            case UNAVAILABLE -> new StoreUnavailableException(where + ": database unavailable", e);
            case OTHER -> new StoreException(where, e);
        };
    }

    @Override
    public void close() {
        reads.close();
        writes.close();
    }

    // ---- column helpers: instants are epoch milliseconds, nullable ----

    /** {@code t} in epoch milliseconds, as the BIGINT time columns hold it; null stays null. */
    static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

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
