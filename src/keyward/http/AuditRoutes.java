package keyward.http;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.KeyRecord;
import keyward.store.Store;

/** {@code GET /v1/audit} (admin): the audit entries of every node, by position, with filters. */
public final class AuditRoutes {
    private AuditRoutes() {
    }

    public static List<Route> routes(Store store) {
        return List.of(Route.of("GET", "/v1/audit", "audit.list", true, c -> {
            if (!c.principal().admin()) {
                throw KwException.forbidden("reading the audit log needs an admin");
            }
            c.allowQuery(Set.of("after", "limit", "key", "user", "node"));
            long after = 0;
            String a = c.query("after");
            if (a != null) {
                try {
                    after = Long.parseLong(a);
                } catch (NumberFormatException e) {
                    throw KwException.invalid("query parameter 'after' must be a position from 'next'");
                }
            }
            Integer limit = c.queryInt("limit", 1, 1000);
            int n = limit == null ? 100 : limit;
            List<AuditRecord> page = store.listAudit(new AuditQuery(after, n, c.query("node"), keyFilter(store, c.query("key")),
                    c.query("user")));
            List<Object> entries = new ArrayList<>();
            for (AuditRecord r : page) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("position", r.position());
                m.put("node", r.node());
                m.put("seq", r.seq());
                m.put("time", KeyJson.time(r.time()));
                m.put("user", KeyJson.nullable(r.user()));
                m.put("operation", r.operation());
                m.put("key", KeyJson.nullable(r.keyRef()));
                m.put("outcome", r.outcome());
                m.put("remote", KeyJson.nullable(r.remote()));
                m.put("hash", HexFormat.of().formatHex(r.hash()));
                entries.add(m);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("entries", entries);
            body.put("next", page.size() == n ? String.valueOf(page.get(page.size() - 1).position()) : KeyJson.nullable(null));
            return Reply.ok(body);
        }));
    }

    /**
     * The key filter as entries record keys: by id. A name or an id in any case finds the key's
     * id; an unknown reference (a deleted key's old name, a mistyped one) filters as given.
     */
    private static String keyFilter(Store store, String ref) {
        if (ref == null) {
            return null;
        }
        if (Names.isUuid(ref)) {
            return ref.toLowerCase(Locale.ROOT);
        }
        return store.findKeyByName(ref).map(KeyRecord::id).orElse(ref);
    }
}
