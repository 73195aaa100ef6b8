package keyward.audit;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import keyward.crypto.AuditChainKey;
import keyward.crypto.AuditKey;
import keyward.log.Log;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;
import keyward.store.Store;
import keyward.time.Clock;

/**
 * The audit writer thread's work. It takes up to {@link #BATCH} entries at a time, chains them
 * after the node's stored tail and appends them in one call (group commit). A batch that reaches
 * or passes a multiple of {@link #CHECKPOINT_EVERY} (1000) entries, or that comes more than
 * {@link #CHECKPOINT_MAX_AGE} (60 s) after the last checkpoint, also carries a signed checkpoint at
 * its last entry, stored in the same transaction: so at least one per 1000 entries and one a minute
 * while entries come, at most one per batch, and never a commit of its own. So does the first batch
 * after unkeyed entries of an older build: its checkpoint states where they end ({@link Checkpoints}).
 * When the queue is quiet, a tail older than that is signed on its own; so is the tail at stop.
 *
 * <p>Failures keep the chain continuous: while an append fails the batch is kept and retried
 * with backoff (100 ms doubling to 5 s) and nothing more is taken from the queue, so memory stays
 * bounded by the queue plus one batch. Before each retry the tail is reloaded: if it is one of
 * the batch's own entries, the earlier append went through and only its answer was lost, so that
 * prefix counts as written instead of being written twice. ALREADY_EXISTS means another process
 * writes under the same node name: the batch is re-chained after that process's tail.
 *
 * <p>Only the writer thread touches the chain state (set up by {@link #loadTail} before the
 * thread starts); other threads read the counters and wait in {@link #awaitDone}. A checkpoint's
 * age is read on the clock given; the waits of the thread itself (linger, backoff, stop) are real.
 */
final class ChainWriter implements Runnable {

    static final int BATCH = 2000;
    /**
     * Appends start at most this often under load, so batches grow with the load instead of
     * costing a commit (an fsync on SQLite) per few entries. Requests never wait for it.
     */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("keyward.audit.lingerMs", 10));
    static final int CHECKPOINT_EVERY = 1000;
    static final java.time.Duration CHECKPOINT_MAX_AGE = java.time.Duration.ofSeconds(60);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5000;
    private static final int MAX_QUICK_CONFLICTS = 10;
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** The last stored entry of the chain: seq 0 and the zero hash for an empty one. */
    private record Tail(long seq, byte[] hash) {
    }

    private final Store store;
    private final String node;
    private final EntryQueue queue;
    private final Checkpoints checkpoints;
    private final AuditHashes.Hasher hasher;
    private final int checkpointEvery;
    private final long checkpointMaxAgeNanos;
    private final Clock clock;
    private long lastCheckpointNanos;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Object doneMonitor = new Object();
    private long done; // guarded by doneMonitor: entries written or given up, in queue order
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile long stopDeadline;
    private volatile int inFlight;

    // owned by the writer thread
    private final List<Entry> pending = new ArrayList<>();
    private List<AuditRecord> lastAttempt;
    private AuditCheckpoint lastCheckpoint; // carried by lastAttempt, or null
    private Tail tail; // null: unknown, reload before the next append
    private int failures;
    private int conflicts;
    private long lastWarn;
    private long lastAppend = System.nanoTime() - LINGER_NANOS;
    private boolean relink; // another process wrote under this node: its checkpoints too

    /** @param heads where the heads are kept outside the database; null: nowhere but the log */
    ChainWriter(Store store, AuditKey key, String node, Clock clock, EntryQueue queue, int checkpointEvery,
                java.time.Duration checkpointMaxAge, HeadFile heads) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoints must come every 1 or more entries");
        }
        this.checkpointEvery = checkpointEvery;
        this.checkpointMaxAgeNanos = checkpointMaxAge.toNanos();
        this.store = store;
        this.node = node;
        this.queue = queue;
        this.checkpoints = new Checkpoints(store, key, node, clock, heads);
        this.hasher = new AuditHashes.Hasher(AuditChainKey.of(key));
        this.clock = clock;
        this.lastCheckpointNanos = clock.nanos();
        this.lastWarn = System.nanoTime() - WARN_EVERY_NANOS;
    }

    /**
     * Reads the node's stored tail, to continue its chain, and (the first time, or after another
     * writer of the same node name) its newest checkpoint, to chain the next after. Throws what the
     * store throws.
     */
    void loadTail() {
        Tail t = store.lastAudit(node).map(r -> new Tail(r.seq(), r.hash())).orElse(new Tail(0, AuditHashes.zero()));
        if (!checkpoints.loaded() || relink) {
            checkpoints.load(t.seq());
            relink = false;
        }
        tail = t;
        if (checkpoints.lastSeq() < 0) {
            checkpoints.assumeSigned(tail.seq());
        }
    }

    /** Asks the thread to store what is queued, checkpoint and end; retries stop at {@code deadlineNanos}. */
    void stop(long deadlineNanos) {
        stopDeadline = deadlineNanos;
        stopSignal.countDown();
        queue.stopWaiting();
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (pending.isEmpty()) {
                    linger();
                    boolean stopping = stopping();
                    List<Entry> got = queue.take(BATCH, stopping ? 0 : IDLE_WAIT_NANOS);
                    if (got.isEmpty()) {
                        if (stopping) {
                            break;
                        }
                        idleCheckpoint();
                        continue;
                    }
                    pending.addAll(got);
                    inFlight = pending.size();
                }
                if (!attempt()) {
                    if (stopping() && System.nanoTime() - stopDeadline >= 0) {
                        return; // the store is still down: no final checkpoint, the finally counts the loss
                    }
                    backoff();
                }
            }
            finalCheckpoint();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            Log.error("audit log of node '" + node + "': writer failed", e);
        } finally {
            abandon(pending.size());
            pending.clear();
            inFlight = 0;
            abandonQueued();
        }
    }

    /** Counts what is still queued as lost; for the end of the writer and for a log never started. */
    void abandonQueued() {
        abandon(queue.drain().size());
    }

    long written() {
        return written.get();
    }

    long lost() {
        return lost.get();
    }

    int inFlight() {
        return inFlight;
    }

    /** Waits until the first {@code count} accepted entries are written or given up; false on timeout. */
    boolean awaitDone(long count, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (doneMonitor) {
            while (done < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(doneMonitor, left);
            }
            return true;
        }
    }

    /** One append of the pending batch; false when it failed and the next try should wait. */
    private boolean attempt() {
        try {
            if (tail == null) {
                loadTail();
                skipCommitted();
                if (pending.isEmpty()) {
                    return true;
                }
            }
            lastAppend = System.nanoTime();
            List<AuditRecord> batch = chain();
            AuditCheckpoint checkpoint = checkpointFor(batch);
            lastAttempt = batch;
            lastCheckpoint = checkpoint;
            store.appendAudit(batch, checkpoint);
            committed(batch);
            return true;
        } catch (ConflictException e) {
            tail = null;
            relink = e.kind() == ConflictException.Kind.ALREADY_EXISTS;
            if (e.kind() == ConflictException.Kind.ALREADY_EXISTS && ++conflicts < MAX_QUICK_CONFLICTS) {
                warn("another process writes audit entries under this node name; re-chaining after its entries");
                return true;
            }
            warn("cannot store " + pending.size() + " entries (" + e.getMessage() + "); retrying");
            return false;
        } catch (RuntimeException e) {
            tail = null; // the append may have gone through: the reload finds out
            failures++;
            warn("cannot store " + pending.size() + " entries (" + e.getMessage() + "); keeping them and retrying");
            return false;
        }
    }

    private List<AuditRecord> chain() {
        List<AuditRecord> out = new ArrayList<>(pending.size());
        long seq = tail.seq();
        byte[] prev = tail.hash();
        for (Entry e : pending) {
            seq++;
            long ms = e.time().toEpochMilli();
            byte[] hash = hasher.entryHash(prev, node, seq, ms, e.user(), e.operation(), e.keyRef(), e.outcome(),
                    e.remote());
            out.add(new AuditRecord(0, node, seq, Instant.ofEpochMilli(ms), e.user(), e.operation(), e.keyRef(),
                    e.outcome(), e.remote(), prev, hash));
            prev = hash;
        }
        return out;
    }

    /**
     * The checkpoint a batch carries, at its last entry: if that reaches the next multiple of
     * {@code checkpointEvery}, if the last checkpoint is older than the maximum age, or if no
     * chained checkpoint states yet from which seq on the node's chain is keyed.
     */
    private AuditCheckpoint checkpointFor(List<AuditRecord> batch) {
        AuditRecord last = batch.get(batch.size() - 1);
        long signed = Math.max(0, checkpoints.lastSeq());
        boolean reached = last.seq() / checkpointEvery > signed / checkpointEvery;
        boolean old = clock.nanos() - lastCheckpointNanos >= checkpointMaxAgeNanos;
        if (last.seq() <= signed || !(reached || old || checkpoints.needsAnchor())) {
            return null;
        }
        return checkpoints.sign(last.seq(), last.hash());
    }

    /** After a failed append: the entries of it the reloaded tail shows as stored. */
    private void skipCommitted() {
        List<AuditRecord> tried = lastAttempt;
        lastAttempt = null;
        if (tried == null) {
            return;
        }
        for (int i = tried.size() - 1; i >= 0; i--) {
            AuditRecord r = tried.get(i);
            if (r.seq() == tail.seq() && MessageDigest.isEqual(r.hash(), tail.hash())) {
                committed(tried.subList(0, i + 1));
                return;
            }
        }
    }

    private void committed(List<AuditRecord> stored) {
        AuditRecord last = stored.get(stored.size() - 1);
        tail = new Tail(last.seq(), last.hash());
        if (lastCheckpoint != null && lastCheckpoint.seq() == last.seq()) {
            checkpoints.stored(lastCheckpoint); // it was in the same transaction
            lastCheckpointNanos = clock.nanos();
        }
        pending.subList(0, stored.size()).clear();
        inFlight = pending.size();
        lastAttempt = null;
        lastCheckpoint = null;
        if (failures > 0) {
            Log.info("audit log of node '" + node + "': storing again after " + failures + " failed attempts");
        }
        failures = 0;
        conflicts = 0;
        checkpoints.send(this::warn);
        written.addAndGet(stored.size());
        markDone(stored.size());
    }

    /** Quiet now: signs the tail if it is newer than the last checkpoint, and that one is old. */
    private void idleCheckpoint() {
        if (tail != null && tail.seq() > Math.max(0, checkpoints.lastSeq())
                && clock.nanos() - lastCheckpointNanos >= checkpointMaxAgeNanos) {
            checkpoints.signForSend(tail.seq(), tail.hash());
            lastCheckpointNanos = clock.nanos();
        }
        checkpoints.send(this::warn);
    }

    private void finalCheckpoint() {
        if (tail != null && tail.seq() > 0 && tail.seq() > checkpoints.lastSeq()) {
            checkpoints.signForSend(tail.seq(), tail.hash());
        }
        checkpoints.send(this::warn);
        if (checkpoints.unsent() > 0) {
            Log.warn("audit log of node '" + node + "': " + checkpoints.unsent() + " checkpoints could not be stored at stop");
        }
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    /** Waits out the rest of {@link #LINGER_NANOS} since the last append began; a stop cuts it short. */
    private void linger() throws InterruptedException {
        long wait = lastAppend + LINGER_NANOS - System.nanoTime();
        if (wait > 0 && !stopping()) {
            stopSignal.await(wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Waits before the next try; a stop cuts the wait short, since close has a deadline. */
    private void backoff() throws InterruptedException {
        long ms = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(Math.max(failures, 1) - 1, 6));
        if (stopping()) {
            ms = Math.min(ms, Math.max(1, TimeUnit.NANOSECONDS.toMillis(stopDeadline - System.nanoTime())));
            Thread.sleep(ms);
        } else {
            stopSignal.await(ms, TimeUnit.MILLISECONDS);
        }
    }

    private void abandon(int count) {
        if (count > 0) {
            lost.addAndGet(count);
            markDone(count);
            Log.error("audit log of node '" + node + "': " + count + " entries could not be stored before shutdown");
        }
    }

    private void markDone(long count) {
        synchronized (doneMonitor) {
            done += count;
            doneMonitor.notifyAll();
        }
    }

    /** At most one warning per 30 s, so an outage does not flood the log. */
    private void warn(String message) {
        long now = System.nanoTime();
        if (now - lastWarn >= WARN_EVERY_NANOS) {
            lastWarn = now;
            Log.warn("audit log of node '" + node + "': " + message);
        }
    }
}
