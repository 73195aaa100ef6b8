package keyward.audit;

import java.util.List;
import keyward.store.AuditCheckpoint;

/**
 * One node's checkpoints, checked before its entries: each validly signed, and each chained one
 * linked to the checkpoint just before it (so a deleted, replaced or inserted checkpoint is found,
 * named by its seq), all stating the same first keyed seq. The head file's head of the node, if
 * any, must be validly signed and agree on that seq too. Not thread-safe.
 */
final class CheckpointChain {

    private final String node;
    private final List<AuditCheckpoint> checkpoints;
    private final AuditCheckpoint head;
    private long keyedFrom; // 0: no chained checkpoint says
    private long lastUnchained; // the seq of the newest checkpoint signed by a build before chained ones
    private AuditCheckpoint newest;

    /** @param head the node's head from the head file, or null */
    CheckpointChain(String node, List<AuditCheckpoint> checkpoints, AuditCheckpoint head) {
        this.node = node;
        this.checkpoints = checkpoints;
        this.head = head;
    }

    /** The first problem found, or null. */
    String check(byte[] publicKey) {
        AuditCheckpoint prev = null;
        boolean chainedSeen = false;
        for (AuditCheckpoint cp : checkpoints) {
            Seal seal = Seal.open(publicKey, node, cp);
            if (seal == null) {
                return "node '" + node + "' checkpoint at seq " + cp.seq() + " has a bad signature";
            }
            if (seal.chained()) {
                String problem = link(prev, cp, seal);
                if (problem == null) {
                    problem = keyedFrom(seal, "checkpoint at seq " + cp.seq());
                }
                if (problem != null) {
                    return problem;
                }
                chainedSeen = true;
            } else if (chainedSeen) {
                return "node '" + node + "' checkpoint at seq " + cp.seq() + " is not chained, but follows chained ones";
            } else {
                lastUnchained = cp.seq();
            }
            prev = cp;
            newest = cp;
        }
        if (head != null) {
            Seal seal = Seal.open(publicKey, node, head);
            if (seal == null) {
                return "the head file's head of node '" + node + "' (seq " + head.seq() + ") has a bad signature";
            }
            if (seal.chained()) {
                return keyedFrom(seal, "head in the head file (seq " + head.seq() + ")");
            }
        }
        return null;
    }

    private String link(AuditCheckpoint prev, AuditCheckpoint cp, Seal seal) {
        long prevSeq = prev == null ? 0 : prev.seq();
        String follows = " (the signed checkpoint at seq " + cp.seq() + " follows it)";
        if (seal.prevSeq() > prevSeq) {
            return "node '" + node + "' checkpoint at seq " + seal.prevSeq() + " is missing" + follows;
        }
        if (seal.prevSeq() < prevSeq) {
            return "node '" + node + "' checkpoint at seq " + prevSeq + " is not in the chain of checkpoints (the signed"
                    + " checkpoint at seq " + cp.seq() + " follows seq " + seal.prevSeq() + ")";
        }
        Seal.Link to = prev == null ? Seal.FIRST : Seal.linkTo(prev);
        if (!java.security.MessageDigest.isEqual(to.digest(), seal.prevDigest())) {
            return "node '" + node + "' checkpoint at seq " + prevSeq + " was replaced" + follows;
        }
        return null;
    }

    private String keyedFrom(Seal seal, String where) {
        if (keyedFrom == 0) {
            keyedFrom = seal.keyedFrom();
        } else if (keyedFrom != seal.keyedFrom()) {
            return "node '" + node + "' " + where + " says the chain is keyed from seq " + seal.keyedFrom()
                    + ", an earlier checkpoint says from seq " + keyedFrom;
        }
        return null;
    }

    /**
     * The last seq hashed without the chain key: before the signed first keyed seq, or, where no
     * chained checkpoint says (an old log not written since), up to the newest checkpoint of the
     * older build. Entries after it must be keyed.
     */
    long unkeyedThrough() {
        return keyedFrom > 0 ? keyedFrom - 1 : lastUnchained;
    }

    /** The newest stored checkpoint, checked by {@link #check}; null if none. */
    AuditCheckpoint newest() {
        return newest;
    }

    List<AuditCheckpoint> checkpoints() {
        return checkpoints;
    }

    AuditCheckpoint head() {
        return head;
    }
}
