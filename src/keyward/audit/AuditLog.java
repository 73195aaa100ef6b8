package keyward.audit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import keyward.core.AuditTrail;
import keyward.crypto.AuditKey;
import keyward.log.Log;
import keyward.store.Store;
import keyward.store.StoreException;
import keyward.time.Clock;

/**
 * The tamper-evident audit log of one node. Each entry carries the hash of the node's previous
 * entry, keyed with a key derived from the audit key (HMAC-SHA256; the database never sees it),
 * seq runs 1, 2, 3, ... without gaps, and every 1000 entries, once a minute while entries come and
 * at close an Ed25519 checkpoint, chained to the one before, signs how far the chain has come; the
 * newest is also kept outside the database ({@link HeadFile}, the log). So {@link AuditVerifier}
 * finds an edited, deleted or reordered row, and a log cut short. Every node has its own chain:
 * instances never contend on one.
 *
 * <p>{@link #record} only queues the entry (stamped with the clock's time now); one thread,
 * {@code keyward-audit-writer}, appends queued entries in batches. If the store is unavailable the
 * writer keeps its batch and retries with backoff, so the chain never loses continuity.
 *
 * <p><b>Trade-off:</b> a request never waits on the audit log for more than about a second. When
 * the queue (10,000 entries) stays full that long, typically because the
 * database has been down for a while, the entry is dropped, counted in {@link #dropped()} and
 * logged (at most one warning per 10 s). Availability wins over completeness here, and the loss
 * is visible in the metric and the log, never as a hole in the chain: a dropped entry gets no seq.
 * Entries still unstored when {@link #close} gives up (after 5 s) count as dropped the same way.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #record} from any thread, {@link #close()}.
 * Thread-safe.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

    static final int DEFAULT_CAPACITY = 10_000;
    private static final Duration DEFAULT_OFFER_WAIT = Duration.ofSeconds(1);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long JOIN_GRACE_MS = 2000;
    private static final long DROP_WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String node;
    private final Clock clock;
    private final long offerWaitNanos;
    private final EntryQueue queue;
    private final ChainWriter writer;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastDropWarn = new AtomicLong(System.nanoTime() - DROP_WARN_EVERY_NANOS);

    /**
     * @param node  this instance's node name (1..255 characters, no control characters); two
     *              running processes must not share one, though the log copes if they do
     * @param clock the time stamped on entries and checkpoints, and the age of the last checkpoint
     */
    public AuditLog(Store store, AuditKey key, String node, Clock clock) {
        this(store, key, node, clock, DEFAULT_CAPACITY, DEFAULT_OFFER_WAIT);
    }

    AuditLog(Store store, AuditKey key, String node, Clock clock, int capacity, Duration offerWait) {
        this(store, key, node, clock, capacity, offerWait, ChainWriter.CHECKPOINT_EVERY, ChainWriter.CHECKPOINT_MAX_AGE);
    }

    /**
     * @param heads the file that keeps every node's newest signed checkpoint outside the database
     *              ({@link HeadFile}); null keeps them only in the log lines
     */
    public AuditLog(Store store, AuditKey key, String node, Clock clock, HeadFile heads) {
        this(store, key, node, clock, DEFAULT_CAPACITY, DEFAULT_OFFER_WAIT, ChainWriter.CHECKPOINT_EVERY,
                ChainWriter.CHECKPOINT_MAX_AGE, heads);
    }

    /** With the checkpoint policy of {@link ChainWriter} set (tests use smaller ones). */
    AuditLog(Store store, AuditKey key, String node, Clock clock, int capacity, Duration offerWait,
             int checkpointEvery, Duration checkpointMaxAge) {
        this(store, key, node, clock, capacity, offerWait, checkpointEvery, checkpointMaxAge, null);
    }

    AuditLog(Store store, AuditKey key, String node, Clock clock, int capacity, Duration offerWait,
             int checkpointEvery, Duration checkpointMaxAge, HeadFile heads) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(key, "audit key");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (node == null || node.isEmpty() || node.length() > Entry.MAX_FIELD || !node.equals(Entry.clean(node))) {
            throw new IllegalArgumentException("audit node name must be 1.." + Entry.MAX_FIELD
                    + " characters without control characters");
        }
        this.node = node;
        this.offerWaitNanos = offerWait.toNanos();
        this.queue = new EntryQueue(capacity);
        this.writer = new ChainWriter(store, key, node, clock, queue, checkpointEvery, checkpointMaxAge, heads);
        this.thread = new Thread(writer, "keyward-audit-writer");
        thread.setDaemon(true); // close() is the orderly way out; a stuck writer must not hold the JVM
    }

    /**
     * Continues this node's chain after its stored tail and starts the writer. If the store cannot
     * be read now, logs a warning and lets the writer read the tail before its first append.
     *
     * @throws IllegalStateException if started or closed before
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("audit log of node '" + node + "' was started or closed already");
        }
        try {
            writer.loadTail();
        } catch (StoreException e) {
            Log.warn("audit log of node '" + node + "': cannot read its chain yet (" + e.getMessage()
                    + "); the writer retries");
        }
        thread.start();
    }

    /** Queues one entry; waits at most about a second (see the trade-off above). Never throws. */
    @Override
    public void record(String user, String operation, String keyRef, String outcome, String remote) {
        if (closed.get()) {
            drop("the audit log is closed");
            return;
        }
        if (thread.getState() == Thread.State.TERMINATED) {
            drop("the audit writer has failed (see the error logged before)");
            return;
        }
        Entry e = Entry.of(clock.instant().truncatedTo(ChronoUnit.MILLIS), user, operation, keyRef, outcome, remote);
        try {
            if (!queue.offer(e, offerWaitNanos)) {
                drop("the audit queue is full (is the database down?)");
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            drop("the recording thread was interrupted");
        }
    }

    /**
     * Waits until every entry recorded before this call is stored (or given up at close), at most
     * {@code timeout}. True if that happened in time.
     */
    public boolean flush(Duration timeout) {
        long target = queue.accepted();
        try {
            return writer.awaitDone(target, timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@link #flush(Duration)} for up to 10 s; logs a warning if that was not enough. */
    public void flush() {
        if (!flush(FLUSH_TIMEOUT)) {
            Log.warn("audit log of node '" + node + "': " + queued() + " entries still unstored after "
                    + FLUSH_TIMEOUT.toSeconds() + " s");
        }
    }

    /**
     * Stores what is queued (retrying for up to 5 s if the store is down), signs a final
     * checkpoint and stops the writer; returns within about 9 s even if a store call hangs.
     * Entries left unstored count as dropped. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (started.get()) {
            writer.stop(System.nanoTime() + CLOSE_TIMEOUT.toNanos());
            try {
                thread.join(CLOSE_TIMEOUT.toMillis() + JOIN_GRACE_MS);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(JOIN_GRACE_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                Log.error("audit log of node '" + node + "': the writer did not stop in time");
            }
        }
        writer.abandonQueued(); // entries that raced with close, or all of them if never started
    }

    /** This node's name, as in every entry. */
    public String node() {
        return node;
    }

    /** Entries stored since construction. */
    public long written() {
        return writer.written();
    }

    /** Entries lost: refused by a full queue, recorded after close, or unstored when close gave up. */
    public long dropped() {
        return dropped.get() + writer.lost();
    }

    /** Entries recorded but not stored yet. */
    public int queued() {
        return queue.size() + writer.inFlight();
    }

    private void drop(String why) {
        long count = dropped.incrementAndGet() + writer.lost();
        long now = System.nanoTime();
        long last = lastDropWarn.get();
        if (now - last >= DROP_WARN_EVERY_NANOS && lastDropWarn.compareAndSet(last, now)) {
            Log.warn("audit log of node '" + node + "': entry dropped because " + why + "; " + count
                    + " dropped so far");
        }
    }
}
