package keyward.repl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import keyward.store.ChangeRow;

/**
 * The messages of the pull exchange (version 1), each a JSON object in a {@link Frames} frame.
 *
 * <pre>
 *   consumer                                      supplier
 *   {"op":"pull","v":1,"domain","vector","limit"[,"wait_ms"]} →
 *                     ← {"answer":"domain_mismatch","empty"} | {"answer":"nothing_new"[,"waited":true]}
 *                     | {"answer":"refresh_required"} | {"answer":"changes","changes":[..]}
 *                       (every pull answer also carries "node": the supplier's node uuid)
 *   {"op":"snapshot","v":1,"after_kind","after_id","limit"[,"max_bytes"]} →
 *                     ← {"answer":"snapshot","domain","vector","docs":[..]}
 * </pre>
 * A snapshot request with {@code max_bytes} gets pages of at most that many document bytes (at
 * least one document), so a short page does not mean the end: that consumer reads until an empty
 * page. Without it a page is cut by {@code limit} only, and a short page is the last.
 * A consumer repeats "pull" on the same connection until told "nothing_new", then asks with
 * {@code wait_ms}: the supplier holds the pull until it has changes or the wait ends, and says
 * {@code "waited": true} (a supplier that leaves it out cannot hold pulls: the consumer polls).
 * {@code "empty"} says whether the supplier has recorded no change at all, so that only the node
 * that should refresh is told to. The added fields are optional: version 1 peers ignore them.
 */
final class Protocol {

    static final long VERSION = 1;
    static final int MAX_ORIGINS = 1000;
    static final int MAX_CHANGES = 2000;
    static final int MAX_DOCS = 1000;
    static final long MAX_BATCH_BYTES = 8L << 20;
    private static final Pattern UUID = Pattern.compile("[0-9a-f-]{36}");

    static final String DOMAIN_MISMATCH = "domain_mismatch";
    static final String NOTHING_NEW = "nothing_new";
    static final String REFRESH_REQUIRED = "refresh_required";
    static final String CHANGES = "changes";
    static final String SNAPSHOT = "snapshot";

    private Protocol() {
    }

    static Map<String, Object> message(String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        m.put("v", VERSION);
        return m;
    }

    static Map<String, String> vector(Map<String, Object> m, String field) {
        Map<String, Object> raw = Fields.obj(m, field);
        if (raw.size() > MAX_ORIGINS) {
            throw new ProtocolException("'" + field + "' has more than " + MAX_ORIGINS + " origins");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!UUID.matcher(e.getKey()).matches() || !(e.getValue() instanceof String id)
                    || !(id.equals("0") || (Hlc.isChangeId(id) && id.endsWith("." + e.getKey())))) {
                throw new ProtocolException("'" + field + "' holds a malformed origin or change id");
            }
            out.put(e.getKey(), id);
        }
        return out;
    }

    static List<Object> changes(List<ChangeRow> rows) {
        List<Object> out = new ArrayList<>();
        for (ChangeRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.changeId());
            m.put("origin", r.origin());
            m.put("kind", r.kind());
            m.put("object", r.objectId());
            m.put("payload", Fields.b64(r.payload()));
            out.add(m);
        }
        return out;
    }

    static List<ChangeRow> changes(Map<String, Object> answer) {
        List<Object> raw = Fields.list(answer, "changes");
        if (raw.size() > MAX_CHANGES) {
            throw new ProtocolException("'changes' has more than " + MAX_CHANGES + " entries");
        }
        List<ChangeRow> out = new ArrayList<>();
        for (Object o : raw) {
            Map<String, Object> m = Fields.object(o, "change");
            byte[] payload = Fields.bytesOrNull(m, "payload");
            if (payload == null) {
                throw new ProtocolException("'payload' is required");
            }
            out.add(new ChangeRow(Fields.str(m, "id"), Fields.str(m, "origin"), Fields.str(m, "kind"),
                    Fields.str(m, "object"), payload));
        }
        return out;
    }

    static int limit(Map<String, Object> m, int max) {
        return Fields.integer(m, "limit", 1, max);
    }
}
