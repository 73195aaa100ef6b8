package keyward.audit;

import java.security.MessageDigest;
import java.util.List;
import keyward.crypto.AuditChainKey;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;

/**
 * One node's chain, fed entry by entry in stored order, after its {@link CheckpointChain} checked
 * out. Entries after {@link CheckpointChain#unkeyedThrough()} must carry the keyed hash; those up
 * to it the unkeyed one of older builds. Not thread-safe.
 */
final class NodeWalk {

    private final String node;
    private final List<AuditCheckpoint> checkpoints;
    private final AuditCheckpoint head;
    private final long unkeyedThrough;
    private final AuditHashes.Hasher keyed;
    private final AuditHashes.Hasher unkeyed = new AuditHashes.Hasher(null);
    private int nextCheckpoint;
    private long expectedSeq = 1;
    private byte[] prevHash = AuditHashes.zero();

    NodeWalk(String node, CheckpointChain chain, AuditChainKey chainKey) {
        this.node = node;
        this.checkpoints = chain.checkpoints();
        this.head = chain.head();
        this.unkeyedThrough = chain.unkeyedThrough();
        this.keyed = new AuditHashes.Hasher(chainKey);
    }

    /** The problem with {@code r}, or null if it continues the chain. */
    String next(AuditRecord r) {
        String at = "node '" + node + "' entry seq " + r.seq() + " (position " + r.position() + "): ";
        if (!node.equals(r.node())) {
            return at + "listed under another node";
        }
        if (r.seq() > expectedSeq) {
            return "node '" + node + "' entry seq " + expectedSeq + " is missing ("
                    + (expectedSeq == 1 ? "the chain starts with" : "gap after " + (expectedSeq - 1) + "; next is")
                    + " seq " + r.seq() + " at position " + r.position() + ")";
        }
        if (r.seq() < expectedSeq) {
            return at + "out of order or repeated (expected seq " + expectedSeq + ")";
        }
        if (r.prevHash() == null || !MessageDigest.isEqual(r.prevHash(), prevHash)) {
            return at + "previous hash does not match " + (r.seq() == 1 ? "the start of a chain" : "entry seq " + (r.seq() - 1));
        }
        if (r.time() == null || r.operation() == null || r.outcome() == null || r.hash() == null || !hashMatches(r)) {
            return at + "hash does not match its contents";
        }
        while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).seq() <= r.seq()) {
            AuditCheckpoint cp = checkpoints.get(nextCheckpoint++);
            if (cp.seq() < r.seq()) {
                return "node '" + node + "' checkpoint at seq " + cp.seq() + " names no entry";
            }
            if (!MessageDigest.isEqual(cp.hash(), r.hash())) {
                return at + "hash differs from the signed checkpoint at seq " + cp.seq();
            }
        }
        if (head != null && head.seq() == r.seq() && !MessageDigest.isEqual(head.hash(), r.hash())) {
            return at + "hash differs from the signed head in the head file";
        }
        prevHash = r.hash();
        expectedSeq++;
        return null;
    }

    private boolean hashMatches(AuditRecord r) {
        return MessageDigest.isEqual(r.hash(), hash(r.seq() <= unkeyedThrough ? unkeyed : keyed, r));
    }

    private byte[] hash(AuditHashes.Hasher h, AuditRecord r) {
        return h.entryHash(prevHash, node, r.seq(), r.time().toEpochMilli(), r.user(), r.operation(), r.keyRef(),
                r.outcome(), r.remote());
    }

    /** The problem with what the chain's end leaves unmatched (checkpoints past it, the recorded head), or null. */
    String end() {
        long last = expectedSeq - 1;
        if (nextCheckpoint < checkpoints.size()) {
            AuditCheckpoint cp = checkpoints.get(nextCheckpoint);
            return "node '" + node + "' entry seq " + cp.seq() + " is missing (the chain ends at seq " + last
                    + " but a signed checkpoint names seq " + cp.seq() + ")";
        }
        if (head == null) {
            return null;
        }
        if (head.seq() > last) {
            return "node '" + node + "' entry seq " + (last + 1) + " is missing (" + (last == 0
                    ? "the database holds no entry of this node" : "the chain ends at seq " + last)
                    + " but the head file records a signed checkpoint at seq " + head.seq() + ")";
        }
        if (checkpoints.stream().noneMatch(cp -> Checkpoints.same(cp, head))) {
            return "node '" + node + "' checkpoint at seq " + head.seq() + " is missing (the head file records it)";
        }
        return null;
    }
}
