package keyward.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import keyward.store.StoreDeadline;
import keyward.store.StoreUnavailableException;

/**
 * The request's one deadline ({@link StoreDeadline}) for the blocking steps of SQL work that the
 * pool's wait does not cover: opening a connection (a driver's connect and login timeouts, each
 * server of a multi-host URL in turn, each with its own) and running a unit of work (each socket
 * read with its own timeout). Inside a request, a connection is opened on a helper thread and
 * given up when the request's time is spent (it is closed when it arrives), and a unit of work is
 * watched: when the time is spent its connection is aborted, which ends any blocked read at once.
 * Outside a request (jobs, commands, replication) neither applies and the driver timeouts of
 * {@code db_timeout_ms} bound each step, as before. Thread-safe.
 */
final class SqlDeadline {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sql-deadline");
        t.setDaemon(true);
        return t;
    });

    private static final ExecutorService OPENERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sql-connect");
        t.setDaemon(true);
        return t;
    });

    private SqlDeadline() {
    }

    /** Nanoseconds left of the request's time, or {@code Long.MAX_VALUE} outside a request. */
    static long leftNanos(int timeoutMs) {
        return StoreDeadline.inRequest() ? StoreDeadline.deadline(timeoutMs) - System.nanoTime() : Long.MAX_VALUE;
    }

    static StoreUnavailableException spent(String what, int timeoutMs) {
        return new StoreUnavailableException(what + ": the request's db_timeout_ms (" + timeoutMs
                + " ms) is spent; the database did not answer in time, retry later", null);
    }

    /**
     * Opens a connection with {@code factory}, within what is left of the request's time; outside
     * a request, on this thread, bounded by the driver's timeouts alone.
     */
    static Connection open(String name, Pool.Factory factory, int timeoutMs) throws SQLException {
        long left = leftNanos(timeoutMs);
        if (left == Long.MAX_VALUE) {
            return factory.connect();
        }
        if (left <= 0) {
            throw spent(name, timeoutMs);
        }
        CompletableFuture<Connection> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return factory.connect();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, OPENERS);
        try {
            return opening.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // too late for this request: a connection made after all is closed, never lent
            opening.thenAccept(SqlDeadline::closeQuietly);
            throw new StoreUnavailableException(name + ": could not connect to the database within the request's"
                    + " db_timeout_ms (" + timeoutMs + " ms); check that the database is reachable, retry later", null);
        } catch (InterruptedException e) {
            opening.thenAccept(SqlDeadline::closeQuietly);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(name + ": interrupted while connecting to the database", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new SQLException(name + ": connecting failed", "08001", cause);
        }
    }

    /** Watches one unit of work on one connection; close it when the unit ends. */
    static final class Watch implements AutoCloseable {
        private final ScheduledFuture<?> alarm;
        private final AtomicBoolean fired = new AtomicBoolean();

        private Watch(Connection c, long leftNanos) {
            this.alarm = TIMER.schedule(() -> {
                fired.set(true);
                abort(c);
            }, leftNanos, TimeUnit.NANOSECONDS);
        }

        /** True once the request's time ran out and the connection was aborted. */
        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            alarm.cancel(false);
        }
    }

    /** A watch of {@code c} until the request's deadline, or null outside a request. */
    static Watch watch(Connection c, long leftNanos) {
        return leftNanos == Long.MAX_VALUE ? null : new Watch(c, leftNanos);
    }

    /** Ends the connection's blocked I/O: pgjdbc and Connector/J close its socket; else a close. */
    private static void abort(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // it is being given up; nothing more to release
        }
    }
}
