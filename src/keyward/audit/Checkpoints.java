package keyward.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import keyward.crypto.AuditKey;
import keyward.log.Log;
import keyward.store.AuditCheckpoint;
import keyward.store.Store;

/**
 * Signs one node's checkpoints. Most are stored by the writer in the transaction of the entries
 * they cover; the one at stop is stored here, keeping up to {@link #MAX_UNSENT} that the store
 * refused for the next try. Owned by the audit writer thread; not thread-safe.
 */
final class Checkpoints {

    private static final int MAX_UNSENT = 64;

    private final Store store;
    private final AuditKey key;
    private final String node;
    private final Clock clock;
    private final ArrayDeque<AuditCheckpoint> unsent = new ArrayDeque<>();
    private long lastSeq = -1;

    Checkpoints(Store store, AuditKey key, String node, Clock clock) {
        this.store = store;
        this.key = key;
        this.node = node;
        this.clock = clock;
    }

    /** The highest seq signed so far, -1 if none is known. */
    long lastSeq() {
        return lastSeq;
    }

    /** Takes {@code seq} as checkpointed already (a clean stop of the previous run signed its tail). */
    void assumeSigned(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    /**
     * Signs "node's chain reached seq with hash" now, for the caller to store with the entries it
     * covers; null if it cannot be signed (logged: the entries go on without it). Never throws.
     */
    AuditCheckpoint sign(long seq, byte[] hash) {
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            byte[] signature = key.sign(AuditHashes.checkpointStatement(node, seq, hash, time.toEpochMilli()));
            return new AuditCheckpoint(node, seq, hash.clone(), signature, time);
        } catch (RuntimeException e) {
            // the entries are stored; a missing checkpoint must not hold up the ones after them
            Log.error("audit log of node '" + node + "': cannot sign the checkpoint at seq " + seq, e);
            return null;
        }
    }

    /** Signs a checkpoint to be stored on its own by the next {@link #send} (the one at stop). */
    void signForSend(long seq, byte[] hash) {
        AuditCheckpoint cp = sign(seq, hash);
        if (cp == null) {
            return;
        }
        if (unsent.size() >= MAX_UNSENT) {
            // a missing checkpoint weakens the proof between two others but breaks nothing
            Log.warn("audit log of node '" + node + "': checkpoint at seq " + unsent.pollFirst().seq()
                    + " could not be stored");
        }
        unsent.addLast(cp);
        lastSeq = Math.max(lastSeq, seq);
    }

    /** Stores the signed checkpoints in order; stops at the first failure, reported to {@code trouble}. */
    void send(Consumer<String> trouble) {
        while (!unsent.isEmpty()) {
            try {
                store.putCheckpoint(unsent.peekFirst());
                unsent.pollFirst();
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
}
