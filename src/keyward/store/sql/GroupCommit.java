package keyward.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Group commit for a database with a single writer (SQLite): write units that arrive while a
 * transaction is being committed wait, and the next writer runs all of them in one transaction,
 * each inside its own savepoint, and commits once. With {@code synchronous=FULL} a commit is an
 * fsync of the WAL, so N concurrent writes cost one fsync instead of N, and nothing is answered
 * before it is durable: a unit's caller gets its result only after the commit that holds it.
 *
 * <p>Each unit keeps the meaning it had alone. Units run one after another on the one connection,
 * in arrival order, so each sees the writes of those before it, as it would if they had committed
 * first. A unit that fails is rolled back to its savepoint and only its caller sees the failure; the
 * others commit. A failure that dooms the transaction (the database unavailable, I/O errors, a
 * failed commit) fails every unit of the batch, none of which was then stored. A batch of one unit
 * runs without a savepoint, exactly as a lone transaction.
 *
 * <p>A batch runs on the leader's thread, so within the leader's request deadline
 * ({@link keyward.store.StoreDeadline}: its wait for the writer connection), not the earliest of
 * the batch: one nearly spent request must not fail the others' writes. SQLite is a local file;
 * each statement keeps its own {@code busy_timeout}.
 *
 * <p>Leader election is a monitor: the first caller that finds no batch running becomes the
 * leader, takes up to {@link #MAX_BATCH} queued units and runs them; the others wait until their
 * unit is done or the leader is finished, then look again. Thread-safe.
 */
final class GroupCommit {

    /** Bounds one transaction's size (and its WAL growth); the rest waits for the next batch. */
    static final int MAX_BATCH = 256;

    /** One caller's unit of work and, once done, its outcome. Guarded by the monitor. */
    private static final class Unit {
        final String op;
        final Jdbc.Work<?> work;
        final boolean transaction;
        Object result;
        RuntimeException failure;
        Error error;
        boolean done;

        Unit(String op, Jdbc.Work<?> work, boolean transaction) {
            this.op = op;
            this.work = work;
            this.transaction = transaction;
        }
    }

    private final Jdbc db;
    private final ConcurrentLinkedQueue<Unit> queue = new ConcurrentLinkedQueue<>();
    private final Object monitor = new Object();
    private boolean leading; // guarded by monitor
    private long batches; // guarded by monitor

    GroupCommit(Jdbc db) {
        this.db = db;
    }

    /**
     * Runs {@code work} in the next group transaction and returns its result once that committed.
     * {@code transaction} false marks a single statement that needs no transaction of its own; in a
     * group it runs like any unit.
     */
    @SuppressWarnings("unchecked")
    <T> T run(String op, Jdbc.Work<T> work, boolean transaction) {
        Unit u = new Unit(op, work, transaction);
        queue.add(u);
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (monitor) {
                    while (!u.done && leading) {
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // the unit may be running: wait for its outcome
                        }
                    }
                    if (u.done) {
                        if (u.error != null) {
                            throw u.error;
                        }
                        if (u.failure != null) {
                            throw u.failure;
                        }
                        return (T) u.result;
                    }
                    leading = true;
                }
                try {
                    lead();
                } finally {
                    synchronized (monitor) {
                        leading = false;
                        monitor.notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many batches (transactions, or lone statements) have run: for tests and diagnostics. */
    long batches() {
        synchronized (monitor) {
            return batches;
        }
    }

    /** Units waiting for a batch. */
    int queued() {
        return queue.size();
    }

    /** Runs one batch; every unit taken is done when this returns or throws. */
    private void lead() {
        List<Unit> batch = new ArrayList<>();
        for (Unit u; batch.size() < MAX_BATCH && (u = queue.poll()) != null; ) {
            batch.add(u);
        }
        if (batch.isEmpty()) {
            return;
        }
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        RuntimeException all = null;
        Error fatal = null;
        try {
            runBatch(batch, results, failures);
        } catch (RuntimeException e) {
            all = e;
        } catch (Error e) {
            fatal = e;
        }
        synchronized (monitor) {
            batches++;
            for (int i = 0; i < batch.size(); i++) {
                Unit u = batch.get(i);
                if (fatal != null) {
                    u.error = fatal;
                } else if (all != null) {
                    u.failure = all;
                } else if (failures[i] instanceof Error e) {
                    u.error = e;
                } else if (failures[i] != null) {
                    u.failure = (RuntimeException) failures[i];
                } else {
                    u.result = results[i];
                }
                u.done = true;
            }
        }
    }

    /** The batch through {@link Jdbc}: one transaction, its failures mapped and rolled back there. */
    private void runBatch(List<Unit> batch, Object[] results, Throwable[] failures) {
        if (batch.size() == 1) {
            Unit u = batch.get(0);
            results[0] = db.onWriter(u.op, u.transaction, u.work);
            return;
        }
        db.onWriter("group of " + batch.size() + " writes", true, c -> {
            for (int i = 0; i < batch.size(); i++) {
                runUnit(c, batch.get(i), i, results, failures);
            }
            return null;
        });
    }

    /**
     * One unit of a batch inside its own savepoint. Its own failure rolls back only its savepoint;
     * an unavailable or busy database (which SQLite may have answered by rolling back the whole
     * transaction) throws, failing the batch.
     */
    private void runUnit(Connection c, Unit u, int i, Object[] results, Throwable[] failures) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            results[i] = u.work.run(c);
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            Dialect.Failure f = db.dialect.classify(e);
            if (f == Dialect.Failure.UNAVAILABLE || f == Dialect.Failure.RETRY) {
                throw e;
            }
            undo(c, sp);
            failures[i] = db.failure(u.op, f, e);
        } catch (RuntimeException | Error e) {
            undo(c, sp);
            failures[i] = e;
        }
    }

    private static void undo(Connection c, Savepoint sp) throws SQLException {
        c.rollback(sp);
        c.releaseSavepoint(sp);
    }
}
