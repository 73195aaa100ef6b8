package keyward.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import keyward.store.PoolUsage;
import keyward.store.StoreDeadline;
import keyward.store.StoreUnavailableException;
import keyward.time.Clock;

/**
 * A bounded JDBC connection pool in the manner of HikariCP, lean: at most {@code size} connections
 * lent at once, a bounded wait for one, the most recently used idle connection first, a cheap
 * {@code isValid(1)} only for connections idle longer than {@value #VALIDATE_AFTER_MS} ms, and
 * connections made on demand, so the pool recovers by itself when the database is back.
 *
 * <p>A connection that failed with a connection-class error is discarded together with every idle
 * one: they mostly share its fate (a restarted server, a cut network), and finding that out one
 * validation at a time would stretch an outage answer far beyond the timeout. A statement that
 * only lost to other work (a deadlock, a lock or statement timeout) is not such an error: its
 * connection comes back rolled back, and the idle ones stay.
 *
 * <p>Thread-safe. {@link #borrow()} throws {@link StoreUnavailableException} when no connection can
 * be had in time.
 */
final class Pool implements AutoCloseable, PoolUsage {

    /** Opens a new connection (driver timeouts bound it; inside a request also the request's deadline, {@link SqlDeadline}). */
    interface Factory {
        Connection connect() throws SQLException;
    }

    static final long VALIDATE_AFTER_MS = 500;

    private record Idle(Connection connection, long sinceNanos) {
    }

    private final String name;
    private final Factory factory;
    private final int borrowTimeoutMs;
    private final Clock clock;
    private final Semaphore permits;
    private final int size;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    /** {@code clock} times how long a connection has been idle. */
    Pool(String name, Factory factory, int size, int borrowTimeoutMs, Clock clock) {
        this.name = name;
        this.factory = factory;
        this.borrowTimeoutMs = borrowTimeoutMs;
        this.clock = clock;
        this.permits = new Semaphore(size, true);
        this.size = size;
    }

    /** A connection lent until {@link Lease#close()}; call {@link Lease#broken()} first if it failed. */
    final class Lease implements AutoCloseable {
        private final Connection connection;
        private final boolean reused;
        private boolean broken;
        private boolean returned;

        private Lease(Connection connection, boolean reused) {
            this.connection = connection;
            this.reused = reused;
        }

        Connection connection() {
            return connection;
        }

        /** True if the connection was idle in the pool before: it may have died unnoticed meanwhile. */
        boolean reused() {
            return reused;
        }

        /** The connection is unusable: it is closed on return and the idle ones are discarded. */
        void broken() {
            broken = true;
        }

        @Override
        public void close() {
            if (!returned) {
                returned = true;
                giveBack(connection, broken);
            }
        }
    }

    Lease borrow() {
        // inside a request, only what is left of the request's time (StoreDeadline)
        long waitNanos = StoreDeadline.deadline(borrowTimeoutMs) - System.nanoTime();
        if (waitNanos <= 0) {
            throw new StoreUnavailableException(name + ": the request's db_timeout_ms (" + borrowTimeoutMs
                    + " ms) is spent", null);
        }
        try {
            if (!permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException(name + ": no database connection free within " + borrowTimeoutMs
                        + " ms (pool exhausted)", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(name + ": interrupted while waiting for a database connection", e);
        }
        try {
            return idleOrNew();
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    private Lease idleOrNew() {
        while (true) {
            Idle next;
            lock.lock();
            try {
                if (closed) {
                    throw new StoreUnavailableException(name + ": the store is closed", null);
                }
                next = idle.pollFirst();
            } finally {
                lock.unlock();
            }
            if (next == null) {
                break;
            }
            boolean fresh = clock.nanos() - next.sinceNanos < TimeUnit.MILLISECONDS.toNanos(VALIDATE_AFTER_MS);
            if (fresh ? !isClosed(next.connection) : valid(next.connection, borrowTimeoutMs)) {
                return new Lease(next.connection, true);
            }
            closeQuietly(next.connection);
            evictIdle();
        }
        try {
            return new Lease(SqlDeadline.open(name, factory, borrowTimeoutMs), false);
        } catch (SQLException e) {
            throw new StoreUnavailableException(e instanceof ConnectFailure ? e.getMessage()
                    : name + ": cannot connect to the database (SQLState " + e.getSQLState() + ")", e);
        }
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** {@code isValid(1)}; inside a request no longer than the request's time ({@link SqlDeadline}). */
    private static boolean valid(Connection c, int timeoutMs) {
        long left = SqlDeadline.leftNanos(timeoutMs);
        if (left <= 0) {
            return false;
        }
        SqlDeadline.Watch watch = SqlDeadline.watch(c, left);
        try {
            return c.isValid(1) && (watch == null || !watch.fired());
        } catch (SQLException e) {
            return false;
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private void giveBack(Connection c, boolean broken) {
        try {
            boolean keep = !broken && !c.isClosed();
            if (keep && !c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            lock.lock();
            try {
                if (keep && !closed) {
                    idle.addFirst(new Idle(c, clock.nanos()));
                    c = null;
                }
            } finally {
                lock.unlock();
            }
        } catch (SQLException e) {
            broken = true;
        } finally {
            permits.release();
        }
        if (c != null) {
            closeQuietly(c);
        }
        if (broken) {
            evictIdle();
        }
    }

    /** Closes every idle connection; new ones are made on demand. */
    void evictIdle() {
        List<Idle> gone;
        lock.lock();
        try {
            gone = new ArrayList<>(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        gone.forEach(i -> closeQuietly(i.connection));
    }

    /** The metrics label: the database kind, "-writer" added for SQLite's single writer. */
    @Override
    public String name() {
        return name.replace(' ', '-');
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int inUse() {
        return Math.max(0, size - permits.availablePermits());
    }

    @Override
    public int waiting() {
        return permits.getQueueLength();
    }

    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the idle connections now and lent ones as they come back. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        evictIdle();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // already unusable; nothing more to release
        }
    }
}
