package keyward.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import keyward.crypto.AuditChainKey;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditIndex;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.Store;

/**
 * Checks every node's audit chain against its contents, its signed checkpoints and the heads
 * recorded outside the database, and names the first broken entry. For each node of
 * {@link Store#auditNodes()} and of the head file it checks that every checkpoint carries a valid
 * Ed25519 signature of the audit key and links to the one before ({@link CheckpointChain}), then
 * walks the entries in stored order ({@link NodeWalk}): seq starts at 1 and runs without gaps or
 * reordering, each entry's previous hash is the hash of the entry before (32 zero bytes for the
 * first), each hash is the keyed hash of the entry's contents (the unkeyed one before the node's
 * signed first keyed seq), each checkpoint matches the hash the chain has at its seq, and the
 * chain reaches the recorded head with the same hash. The store's listing index
 * ({@link Store#auditIndex()}) must find each entry it is meant to hold by its key and its user.
 *
 * <p>What this proves: an edited, deleted, inserted or reordered row is found, and so is a chain
 * rewritten with fresh hashes (they need the chain key, derived from the audit key), checkpoints
 * deleted between others, and, against a head file, a log cut short or emptied. What it cannot
 * prove without a head file: that nothing was cut after the newest checkpoint still stored.
 *
 * <p>Reads in pages of 1000 entries, so memory stays bounded by the checkpoints (one per 1000
 * entries, read per node) and the listing index (read whole, merged per key and user).
 * Stateless and thread-safe; store failures propagate as the store's exceptions.
 */
public final class AuditVerifier {

    static final int PAGE = 1000;
    private static final long PROGRESS_EVERY = 10_000;

    /**
     * @param ok             true if every chain and checkpoint checked out
     * @param message        "audit log verified: N entries on K nodes", or the first problem found,
     *                       naming the node, the entry's seq and its position
     * @param entriesChecked entries found intact before the verdict
     * @param newest         per node, its newest checkpoint, checked (for the head file once all is ok)
     */
    public record Result(boolean ok, String message, long entriesChecked, List<AuditCheckpoint> newest) {
    }

    private AuditVerifier() {
    }

    /** {@link #verify(Store, AuditKey, Map, Consumer)} without recorded heads. */
    public static Result verify(Store store, AuditKey key, Consumer<String> progress) {
        return verify(store, key, Map.of(), progress);
    }

    /**
     * {@link #verify(Store, AuditKey, Map, Consumer)}, then the heads of replication partners
     * recorded in the head file ({@link HeadFile#partners}): each must be validly signed, and a
     * partner that reported losing entries after one of them is named with the first it lost.
     */
    public static Result verify(Store store, AuditKey key, Map<String, AuditCheckpoint> heads,
                                Map<String, HeadFile.PartnerHead> partners, Consumer<String> progress) {
        Result own = verify(store, key, heads, progress);
        if (!own.ok() || partners.isEmpty()) {
            return own;
        }
        String problem = PartnerHeads.check(key.publicKey(), partners);
        if (problem != null) {
            return new Result(false, problem, own.entriesChecked(), List.of());
        }
        return new Result(true, own.message() + ", and the heads of " + partners.size() + " replication partner "
                + (partners.size() == 1 ? "node" : "nodes"), own.entriesChecked(), own.newest());
    }

    /**
     * @param key      the deployment's audit key (its public half checks signatures, its chain key hashes)
     * @param heads    per node, the newest signed checkpoint recorded outside the database ({@link HeadFile#read})
     * @param progress receives a line every 10,000 entries; may be null
     */
    public static Result verify(Store store, AuditKey key, Map<String, AuditCheckpoint> heads, Consumer<String> progress) {
        Consumer<String> report = progress == null ? line -> { } : progress;
        byte[] publicKey = key.publicKey();
        AuditChainKey chainKey = AuditChainKey.of(key);
        TreeSet<String> nodes = new TreeSet<>(store.auditNodes());
        nodes.addAll(heads.keySet());
        List<AuditCheckpoint> newest = new ArrayList<>();
        AuditIndex index = store.auditIndex(); // before the walk: it covers entries stored before it
        long checked = 0;
        for (String node : nodes) {
            CheckpointChain chain = new CheckpointChain(node, store.checkpoints(node), heads.get(node));
            String broken = chain.check(publicKey);
            if (broken != null) {
                return new Result(false, broken, checked, List.of());
            }
            NodeWalk walk = new NodeWalk(node, chain, chainKey);
            long indexed = index == null ? 0 : index.indexedThrough(node);
            long after = 0;
            List<AuditRecord> page;
            do {
                page = store.listAudit(new AuditQuery(after, PAGE, node, null, null));
                for (AuditRecord r : page) {
                    String problem = walk.next(r);
                    if (problem == null && r.seq() <= indexed) {
                        problem = indexProblem(index, r);
                    }
                    if (problem != null) {
                        return new Result(false, problem, checked, List.of());
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
                return new Result(false, problem, checked, List.of());
            }
            if (chain.newest() != null) {
                newest.add(chain.newest());
            }
        }
        return new Result(true, "audit log verified: " + checked + " entries on " + nodes.size()
                + (nodes.size() == 1 ? " node" : " nodes"), checked, newest);
    }

    /** The problem if a listing by the entry's key or user would miss it, or null. */
    private static String indexProblem(AuditIndex index, AuditRecord r) {
        for (String[] ref : new String[][] {{"key", r.keyRef()}, {"user", r.user()}}) {
            if (ref[1] != null && !index.finds(ref[0], ref[1], r.position())) {
                return "node '" + r.node() + "' entry seq " + r.seq() + " (position " + r.position() + "): the listing"
                        + " index (" + index.name() + ") does not list it under " + ref[0] + " '" + ref[1] + "', so"
                        + " listings by that " + ref[0] + " miss it";
            }
        }
        return null;
    }
}
