package keyward.audit;

import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.Store;

/**
 * Checks every node's audit chain against its contents and its signed checkpoints, and names the
 * first broken entry. For each node of {@link Store#auditNodes()} it walks the entries in stored
 * order and checks that seq starts at 1 and runs without gaps or reordering, that each entry's
 * previous hash is the hash of the entry before (32 zero bytes for the first), that each hash
 * matches the entry's contents, and that each checkpoint carries a valid Ed25519 signature of the
 * audit key and the hash the chain has at that seq.
 *
 * <p>What this proves: an edited, deleted, inserted or reordered row is found, and so is a chain
 * rewritten with fresh hashes or cut short, up to its last checkpoint (entries after it could be
 * rewritten or dropped unnoticed by someone with write access to the database). A node whose
 * entries were all deleted does not show up in {@link Store#auditNodes()} at all.
 *
 * <p>Reads in pages of 1000 entries, so memory stays bounded (checkpoints, one per
 * 100 entries, are read per node). Stateless and thread-safe;
 * store failures propagate as the store's exceptions.
 */
public final class AuditVerifier {

    static final int PAGE = 1000;
    private static final long PROGRESS_EVERY = 10_000;

    /**
     * @param ok             true if every chain and checkpoint checked out
     * @param message        "audit log verified: N entries on K nodes", or the first problem found,
     *                       naming the node, the entry's seq and its position
     * @param entriesChecked entries found intact before the verdict
     */
    public record Result(boolean ok, String message, long entriesChecked) {
    }

    private AuditVerifier() {
    }

    /**
     * @param auditPublicKeySpki the deployment's audit public key, SPKI DER
     * @param progress           receives a line every 10,000 entries; may be null
     */
    public static Result verify(Store store, byte[] auditPublicKeySpki, Consumer<String> progress) {
        Consumer<String> report = progress == null ? line -> { } : progress;
        List<String> nodes = store.auditNodes();
        long checked = 0;
        for (String node : nodes) {
            NodeWalk walk = new NodeWalk(node, auditPublicKeySpki, store.checkpoints(node));
            long after = 0;
            List<AuditRecord> page;
            do {
                page = store.listAudit(new AuditQuery(after, PAGE, node, null, null));
                for (AuditRecord r : page) {
                    String problem = walk.next(r);
                    if (problem != null) {
                        return new Result(false, problem, checked);
                    }
                    checked++;
                    if (checked % PROGRESS_EVERY == 0) {
                        report.accept("checked " + checked + " audit entries (node '" + node + "')");
                    }
                    after = r.position();
                }
            } while (!page.isEmpty()); // not "a full page": a store may return fewer than asked
            String problem = walk.end();
            if (problem != null) {
                return new Result(false, problem, checked);
            }
        }
        return new Result(true, "audit log verified: " + checked + " entries on " + nodes.size()
                + (nodes.size() == 1 ? " node" : " nodes"), checked);
    }

    /** One node's chain, fed entry by entry in stored order. Not thread-safe. */
    private static final class NodeWalk {
        private final String node;
        private final byte[] publicKey;
        private final List<AuditCheckpoint> checkpoints;
        private int nextCheckpoint;
        private long expectedSeq = 1;
        private byte[] prevHash = AuditHashes.zero();

        NodeWalk(String node, byte[] publicKey, List<AuditCheckpoint> checkpoints) {
            this.node = node;
            this.publicKey = publicKey;
            this.checkpoints = checkpoints;
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
            if (r.time() == null || r.operation() == null || r.outcome() == null || r.hash() == null
                    || !MessageDigest.isEqual(r.hash(), AuditHashes.entryHash(prevHash, node, r.seq(),
                    r.time().toEpochMilli(), r.user(), r.operation(), r.keyRef(), r.outcome(), r.remote()))) {
                return at + "hash does not match its contents";
            }
            while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).seq() <= r.seq()) {
                AuditCheckpoint cp = checkpoints.get(nextCheckpoint++);
                String problem = signature(cp);
                if (problem != null) {
                    return problem;
                }
                if (cp.seq() < r.seq()) {
                    return "node '" + node + "' checkpoint at seq " + cp.seq() + " names no entry";
                }
                if (!MessageDigest.isEqual(cp.hash(), r.hash())) {
                    return at + "hash differs from the signed checkpoint at seq " + cp.seq();
                }
            }
            prevHash = r.hash();
            expectedSeq++;
            return null;
        }

        /** The problem with the checkpoints past the chain's last entry, or null. */
        String end() {
            if (nextCheckpoint == checkpoints.size()) {
                return null;
            }
            AuditCheckpoint cp = checkpoints.get(nextCheckpoint);
            String problem = signature(cp);
            return problem != null ? problem : "node '" + node + "' entry seq " + cp.seq() + " is missing (the chain"
                    + " ends at seq " + (expectedSeq - 1) + " but a signed checkpoint names seq " + cp.seq() + ")";
        }

        private String signature(AuditCheckpoint cp) {
            boolean valid = cp.hash() != null && cp.signature() != null && cp.time() != null && node.equals(cp.node())
                    && AuditKey.verify(publicKey, AuditHashes.checkpointStatement(node, cp.seq(), cp.hash(),
                    cp.time().toEpochMilli()), cp.signature());
            return valid ? null : "node '" + node + "' checkpoint at seq " + cp.seq() + " has a bad signature";
        }
    }
}
