package keyward.audit;

import java.security.MessageDigest;
import keyward.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import keyward.crypto.AuditKey;
import keyward.log.Log;
import keyward.store.AuditCheckpoint;
import keyward.store.Store;

/**
 * Signs one node's checkpoints, each chained to the one before ({@link Seal}), and keeps the head
 * of every node outside the database: in the head file (if any) and in one INFO line per own
 * checkpoint. Most checkpoints are stored by the writer in the transaction of the entries they
 * cover; the one at stop is stored here, keeping up to {@link #MAX_UNSENT} that the store refused
 * for the next try. Owned by the audit writer thread; not thread-safe.
 */
final class Checkpoints {

    private static final int MAX_UNSENT = 64;
    private static final long OBSERVE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Store store;
    private final AuditKey key;
    private final byte[] publicKey;
    private final String node;
    private final Clock clock;
    private final HeadFile heads; // null: none kept
    private final ArrayDeque<AuditCheckpoint> unsent = new ArrayDeque<>();
    private long lastSeq = -1;
    private Seal.Link link; // null until loaded: the newest checkpoint stored or queued
    private long keyedFrom = 1;
    private boolean anchored; // a chained checkpoint states keyedFrom
    private boolean headFrozen; // the database lost what the head file records: keep that evidence
    private long lastObserved;

    Checkpoints(Store store, AuditKey key, String node, Clock clock, HeadFile heads) {
        this.store = store;
        this.key = key;
        this.publicKey = key.publicKey();
        this.node = node;
        this.clock = clock;
        this.heads = heads;
        this.lastObserved = clock.nanos() - OBSERVE_EVERY_NANOS;
    }

    /** The highest seq signed so far, -1 if none is known. */
    long lastSeq() {
        return lastSeq;
    }

    /** Takes {@code seq} as checkpointed already (a clean stop of the previous run signed its tail). */
    void assumeSigned(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    /** Whether the link to the stored checkpoints is known ({@link #load}). */
    boolean loaded() {
        return link != null;
    }

    /**
     * Reads the node's newest stored checkpoint to chain after it, given the stored chain ends at
     * {@code tailSeq}. A node without a chained checkpoint is keyed from {@code tailSeq + 1} on;
     * if it has entries (unkeyed, from an older build), its next batch must carry a checkpoint
     * saying so ({@link #needsAnchor}). Checks the stored log against this node's recorded head,
     * and freezes that head if the database holds less. Throws what the store throws.
     */
    void load(long tailSeq) {
        List<AuditCheckpoint> stored = store.checkpoints(node);
        AuditCheckpoint last = stored.isEmpty() ? null : stored.get(stored.size() - 1);
        Seal seal = last == null ? null : Seal.open(publicKey, node, last);
        boolean chained = seal != null && seal.chained();
        if (chained) {
            keyedFrom = seal.keyedFrom();
            anchored = true;
        } else if (link == null) { // the first load: where this build's keyed entries start
            keyedFrom = tailSeq + 1;
            anchored = tailSeq == 0; // nothing unkeyed to mark the end of
        }
        if (unsent.isEmpty()) {
            Seal.Link to = last == null ? null : Seal.linkTo(last);
            link = to != null ? to : Seal.FIRST;
        }
        checkHead(tailSeq, stored);
    }

    private void checkHead(long tailSeq, List<AuditCheckpoint> stored) {
        if (heads == null || headFrozen) {
            return;
        }
        AuditCheckpoint head;
        try {
            head = heads.read().get(node);
        } catch (IllegalStateException e) {
            Log.error("audit log of node '" + node + "': " + e.getMessage() + "; not updating it");
            headFrozen = true;
            return;
        }
        if (head != null && (tailSeq < head.seq() || stored.stream().noneMatch(cp -> same(cp, head)))) {
            headFrozen = true;
            Log.error("audit log of node '" + node + "': the database holds less than the head file " + heads.path()
                    + " records (a signed checkpoint at seq " + head.seq() + "; the stored chain ends at seq " + tailSeq
                    + "): audit entries or checkpoints were removed. Run keyward verify-audit; the head file keeps"
                    + " that head as evidence.");
        }
    }

    /** True until a chained checkpoint states where the unkeyed entries of older builds end: the next batch must carry one. */
    boolean needsAnchor() {
        return !anchored;
    }

    /**
     * Signs "node's chain reached seq with hash" now, chained after the newest checkpoint, for the
     * caller to store with the entries it covers and report with {@link #stored}; null if it cannot
     * be signed (logged: the entries go on without it). Never throws.
     */
    AuditCheckpoint sign(long seq, byte[] hash) {
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            return Seal.sign(key, node, seq, hash, time, keyedFrom, link == null ? Seal.FIRST : link);
        } catch (RuntimeException e) {
            // the entries are stored; a missing checkpoint must not hold up the ones after them
            Log.error("audit log of node '" + node + "': cannot sign the checkpoint at seq " + seq, e);
            return null;
        }
    }

    /** {@code cp}, signed by {@link #sign}, is stored: the next chains after it, and its head is kept. */
    void stored(AuditCheckpoint cp) {
        link = Seal.linkTo(cp);
        anchored = true;
        lastSeq = Math.max(lastSeq, cp.seq());
        keep(cp);
    }

    /** Signs a checkpoint to be stored on its own by the next {@link #send} (the one at stop). */
    void signForSend(long seq, byte[] hash) {
        AuditCheckpoint cp = sign(seq, hash);
        if (cp == null) {
            return;
        }
        if (unsent.size() >= MAX_UNSENT) {
            // a missing checkpoint is reported by the verifier, but must not stop the entries
            Log.warn("audit log of node '" + node + "': checkpoint at seq " + unsent.pollFirst().seq()
                    + " could not be stored");
        }
        unsent.addLast(cp);
        link = Seal.linkTo(cp); // queued ones are stored in order, before any later one is signed
        lastSeq = Math.max(lastSeq, seq);
    }

    /** Stores the signed checkpoints in order; stops at the first failure, reported to {@code trouble}. */
    void send(Consumer<String> trouble) {
        while (!unsent.isEmpty()) {
            try {
                store.putCheckpoint(unsent.peekFirst());
                AuditCheckpoint cp = unsent.pollFirst();
                anchored = true;
                keep(cp);
            } catch (RuntimeException e) {
                trouble.accept("cannot store the checkpoint at seq " + unsent.peekFirst().seq() + " ("
                        + e.getMessage() + "); retrying after the next append");
                return;
            }
        }
    }

    int unsent() {
        return unsent.size();
    }

    /** Logs a stored checkpoint as the signed head and records it, with the other nodes' heads now and then. */
    private void keep(AuditCheckpoint cp) {
        Log.info("audit head: node '" + node + "' seq " + cp.seq() + " hash " + HexFormat.of().formatHex(cp.hash())
                + " time " + cp.time().toEpochMilli() + " seal " + Base64.getEncoder().encodeToString(cp.signature()));
        if (heads == null || headFrozen) {
            return;
        }
        List<AuditCheckpoint> seen = new ArrayList<>(List.of(cp));
        try {
            if (clock.nanos() - lastObserved >= OBSERVE_EVERY_NANOS) {
                lastObserved = clock.nanos();
                seen.addAll(othersHeads());
            }
            heads.advance(seen);
        } catch (RuntimeException e) {
            Log.warn("audit log of node '" + node + "': cannot record heads (" + e.getMessage() + ")");
        }
    }

    /**
     * The newest checkpoint of every other node in the store, if validly signed and the store still
     * holds that node's recorded head unchanged (else its recorded head stays, as evidence).
     */
    private List<AuditCheckpoint> othersHeads() {
        Map<String, AuditCheckpoint> recorded = heads.read();
        List<AuditCheckpoint> out = new ArrayList<>();
        for (AuditCheckpoint newest : store.newestCheckpoints()) {
            String other = newest.node();
            AuditCheckpoint was = recorded.get(other);
            boolean newer = was == null || newest.seq() > was.seq();
            if (other.equals(node) || !newer || Seal.open(publicKey, other, newest) == null) {
                continue; // nothing newer, or not signed with our audit key
            }
            if (was != null && store.checkpoints(other).stream().noneMatch(cp -> same(cp, was))) {
                Log.error("audit log of node '" + other + "': the database no longer holds its signed checkpoint at seq "
                        + was.seq() + " recorded in " + heads.path() + "; run keyward verify-audit");
                continue;
            }
            out.add(newest);
        }
        return out;
    }

    static boolean same(AuditCheckpoint a, AuditCheckpoint b) {
        return a.seq() == b.seq() && a.hash() != null && a.signature() != null && MessageDigest.isEqual(a.hash(), b.hash())
                && MessageDigest.isEqual(a.signature(), b.signature());
    }
}
