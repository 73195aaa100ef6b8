package keyward.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import keyward.crypto.AuditKey;
import keyward.log.Log;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.Store;

/**
 * The audit heads that replication partners, each with its own database, exchange, so that each
 * node keeps the others' newest signed checkpoints outside their databases ({@link HeadFile}
 * "partners") and {@code keyward verify-audit} on any node names a partner whose database lost
 * audit entries after a head this node saw.
 *
 * <pre>
 *   consumer: "I recorded your node X's head at seq N"        supplier, per node of its database:
 *   ----------------------------------------------------->    newest checkpoint, last stored seq,
 *   &lt;-----------------------------------------------------    and its stored checkpoint at N, if it has one
 * </pre>
 * The consumer checks every signature against the deployment's audit key. A report whose chain
 * ends before N, or that lacks the checkpoint recorded at N (or holds another one there), means
 * the partner's database lost entries or checkpoints: the head stays as it was, the loss is
 * written beside it ("lost") and logged as an ERROR once, and verify-audit fails on it until the
 * operator moves that record away. The supplier reports what its database holds; it decides
 * nothing. Thread-safe (the head file serializes writers in this process).
 */
public final class PartnerHeads {

    /** At most this many nodes in one report. */
    public static final int MAX_NODES = 1000;

    /**
     * What a supplier's database holds of one node's audit log.
     *
     * @param node   the node
     * @param newest the newest stored checkpoint, or null if none
     * @param tail   the highest stored seq (0: none)
     * @param asked  the stored checkpoint at the seq the consumer asked about, or null if none
     */
    public record Report(String node, AuditCheckpoint newest, long tail, AuditCheckpoint asked) {
    }

    private final HeadFile file;
    private final byte[] publicKey;

    public PartnerHeads(HeadFile file, AuditKey key) {
        this.file = file;
        this.publicKey = key.publicKey();
    }

    /**
     * Supplier side: one report per node with entries in {@code store}; {@code asked} maps a node
     * to the seq of its head the consumer recorded. Throws what the store throws.
     */
    public static List<Report> report(Store store, Map<String, Long> asked) {
        List<Report> out = new ArrayList<>();
        for (String node : store.auditNodes()) {
            if (out.size() == MAX_NODES) {
                break;
            }
            List<AuditCheckpoint> cps = store.checkpoints(node);
            AuditCheckpoint newest = cps.isEmpty() ? null : cps.get(cps.size() - 1);
            Long seq = asked.get(node);
            AuditCheckpoint at = seq == null ? null : cps.stream().filter(cp -> cp.seq() == seq).findFirst().orElse(null);
            long tail = store.lastAudit(node).map(AuditRecord::seq).orElse(0L);
            out.add(new Report(node, newest, tail, at));
        }
        return out;
    }

    /** Consumer side: per partner node, the seq of its recorded head, to ask about. */
    public Map<String, Long> recorded() {
        Map<String, Long> out = new TreeMap<>();
        try {
            file.partners().forEach((node, p) -> out.put(node, p.head().seq()));
        } catch (IllegalStateException e) {
            Log.warn("replication: cannot read the audit heads of partners (" + e.getMessage() + ")");
        }
        return out;
    }

    /**
     * Consumer side: records what partner {@code via} reported of every node of its database; a
     * node recorded through {@code via} that the report leaves out has lost every entry. Nodes of
     * this node's own database (the head file's "nodes") and checkpoints not signed with the audit
     * key are ignored. Never throws.
     */
    public void received(String via, List<Report> reports) {
        try {
            Map<String, AuditCheckpoint> own = file.read();
            Map<String, HeadFile.PartnerHead> recorded = file.partners();
            Map<String, Report> byNode = new TreeMap<>();
            for (Report r : reports) {
                boolean signed = r.newest() == null || Seal.open(publicKey, r.node(), r.newest()) != null;
                if (!own.containsKey(r.node()) && signed) {
                    byNode.put(r.node(), r);
                }
            }
            for (HeadFile.PartnerHead was : recorded.values()) {
                String node = was.head().node();
                if (via.equals(was.via()) && was.lost() == null && !byNode.containsKey(node) && reports.size() < MAX_NODES) {
                    byNode.put(node, new Report(node, null, 0, null)); // its database holds none of its entries
                }
            }
            for (Report r : byNode.values()) {
                HeadFile.PartnerHead was = recorded.get(r.node());
                if (was == null) {
                    if (r.newest() != null) {
                        file.putPartner(new HeadFile.PartnerHead(r.newest(), via, null));
                    }
                } else if (was.lost() == null) {
                    String lost = lost(was.head(), r, via);
                    if (lost != null) {
                        Log.error("audit log of " + lost + "; run keyward verify-audit on this node");
                        file.putPartner(new HeadFile.PartnerHead(was.head(), via, lost));
                    } else if (r.newest() != null && r.newest().seq() > was.head().seq()) {
                        file.putPartner(new HeadFile.PartnerHead(r.newest(), via, null));
                    }
                }
            }
        } catch (RuntimeException e) {
            Log.warn("replication: cannot record the audit heads " + via + " reported (" + e.getMessage() + ")");
        }
    }

    /** What the partner's database lost since {@code head} was recorded, or null if it still holds it. */
    private static String lost(AuditCheckpoint head, Report r, String via) {
        String node = "node '" + head.node() + "' (replication partner " + via + ", its own database)";
        String recorded = "this node recorded its signed checkpoint at seq " + head.seq();
        if (r.tail() < head.seq()) {
            return node + " entry seq " + (r.tail() + 1) + " is missing (its chain ends at seq " + r.tail() + " but "
                    + recorded + ")";
        }
        if (r.asked() == null || !Checkpoints.same(r.asked(), head)) {
            return node + " checkpoint at seq " + head.seq() + " is " + (r.asked() == null ? "missing" : "replaced")
                    + " (" + recorded + "; its chain ends at seq " + r.tail() + ")";
        }
        return null;
    }

    /**
     * The first problem with the partners' heads recorded in {@code file}: a bad signature, or a
     * loss recorded when a partner reported; null if none.
     */
    static String check(byte[] publicKey, Map<String, HeadFile.PartnerHead> partners) {
        for (HeadFile.PartnerHead p : partners.values()) {
            AuditCheckpoint h = p.head();
            if (Seal.open(publicKey, h.node(), h) == null) {
                return "the head file's head of node '" + h.node() + "' (replication partner " + p.via() + ", seq "
                        + h.seq() + ") has a bad signature";
            }
            if (p.lost() != null) {
                return p.lost();
            }
        }
        return null;
    }
}
