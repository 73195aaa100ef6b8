package keyward.repl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.audit.PartnerHeads;
import keyward.store.AuditCheckpoint;

/**
 * The audit heads in a pull exchange ({@link PartnerHeads}): optional fields that version 1
 * peers without them ignore.
 *
 * <pre>
 *   pull:   "audit_heads": {"&lt;node&gt;": seq, ...}        the partner's heads this consumer recorded
 *   answer: "audit": [{"node", ["newest": checkpoint,] "tail": seq[, "asked": checkpoint]}, ...]
 *   checkpoint = {"node", "seq", "hash", "time_ms", "seal"}    hash and seal in base64
 * </pre>
 */
final class AuditHeadsWire {

    private static final int MAX_NODE = 255;
    private static final int MAX_HASH = 64;
    private static final int MAX_SEAL = 256;

    private AuditHeadsWire() {
    }

    static Map<String, Object> field(Map<String, Long> recorded) {
        return new LinkedHashMap<>(recorded);
    }

    static Map<String, Long> asked(Map<String, Object> request) {
        Map<String, Object> raw = Fields.obj(request, "audit_heads");
        if (raw.size() > PartnerHeads.MAX_NODES) {
            throw new ProtocolException("'audit_heads' has more than " + PartnerHeads.MAX_NODES + " nodes");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_NODE || !(e.getValue() instanceof Long seq) || seq < 1) {
                throw new ProtocolException("'audit_heads' maps node names to a seq");
            }
            out.put(e.getKey(), seq);
        }
        return out;
    }

    static List<Object> reports(List<PartnerHeads.Report> reports) {
        List<Object> out = new ArrayList<>();
        for (PartnerHeads.Report r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", r.node());
            if (r.newest() != null) {
                m.put("newest", checkpoint(r.newest()));
            }
            m.put("tail", r.tail());
            if (r.asked() != null) {
                m.put("asked", checkpoint(r.asked()));
            }
            out.add(m);
        }
        return out;
    }

    static List<PartnerHeads.Report> reports(Map<String, Object> answer) {
        List<Object> raw = Fields.list(answer, "audit");
        if (raw.size() > PartnerHeads.MAX_NODES) {
            throw new ProtocolException("'audit' has more than " + PartnerHeads.MAX_NODES + " nodes");
        }
        List<PartnerHeads.Report> out = new ArrayList<>();
        for (Object o : raw) {
            Map<String, Object> m = Fields.object(o, "audit report");
            String node = Fields.str(m, "node");
            AuditCheckpoint newest = m.get("newest") == null ? null : checkpoint(Fields.obj(m, "newest"));
            AuditCheckpoint asked = m.get("asked") == null ? null : checkpoint(Fields.obj(m, "asked"));
            if (node.length() > MAX_NODE || (newest != null && !newest.node().equals(node))
                    || (asked != null && !asked.node().equals(node))) {
                throw new ProtocolException("an audit report names a bad node, or two");
            }
            out.add(new PartnerHeads.Report(node, newest, Fields.lng(m, "tail"), asked));
        }
        return out;
    }

    private static Map<String, Object> checkpoint(AuditCheckpoint cp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", cp.node());
        m.put("seq", cp.seq());
        m.put("hash", Fields.b64(cp.hash()));
        m.put("time_ms", cp.time().toEpochMilli());
        m.put("seal", Fields.b64(cp.signature()));
        return m;
    }

    private static AuditCheckpoint checkpoint(Map<String, Object> m) {
        String node = Fields.str(m, "node");
        byte[] hash = Fields.bytesOrNull(m, "hash");
        byte[] seal = Fields.bytesOrNull(m, "seal");
        if (node.length() > MAX_NODE || hash == null || hash.length > MAX_HASH || seal == null || seal.length > MAX_SEAL) {
            throw new ProtocolException("an audit checkpoint has a bad node, hash or seal");
        }
        try {
            return new AuditCheckpoint(node, Fields.lng(m, "seq"), hash, seal, Instant.ofEpochMilli(Fields.lng(m, "time_ms")));
        } catch (java.time.DateTimeException e) {
            throw new ProtocolException("an audit checkpoint has a time out of range");
        }
    }
}
