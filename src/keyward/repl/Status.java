package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.core.AuditTrail;
import keyward.json.Json;
import keyward.log.Log;

/** What replication reports: per partner state, last success, lag and last error; recent name conflicts. Thread-safe. */
final class Status {

    private static final int MAX_CONFLICTS = 100;

    /** One partner's consumer state; written by its consumer thread only. */
    static final class Partner {
        final String url;
        volatile String state = "starting";
        volatile Instant lastSuccess;
        volatile String lastError;
        volatile double lagSeconds = -1;

        Partner(String url) {
            this.url = url;
        }
    }

    private final Clock clock;
    private final AuditTrail audit;
    private final Map<String, Partner> partners = new LinkedHashMap<>();
    private final Deque<Map<String, Object>> conflicts = new ArrayDeque<>();

    Status(Clock clock, List<String> partnerUrls, AuditTrail audit) {
        this.clock = clock;
        this.audit = audit;
        for (String url : partnerUrls) {
            partners.put(url, new Partner(url));
        }
    }

    Partner partner(String url) {
        return partners.get(url);
    }

    List<Partner> partners() {
        return List.copyOf(partners.values());
    }

    /** A key name taken on two nodes at once: {@code keyId} got {@code renamedTo}. */
    void conflict(String name, String keyId, String renamedTo) {
        Log.warn("replication: key name '" + name + "' was taken on two nodes at once; key " + keyId
                + " (the later one) is now named '" + renamedTo + "'");
        if (audit != null) {
            audit.record("replication", "replication.name_conflict", keyId, "renamed", null);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("key", keyId);
        m.put("renamed_to", renamedTo);
        m.put("time", clock.instant().toString());
        synchronized (conflicts) {
            conflicts.addLast(m);
            while (conflicts.size() > MAX_CONFLICTS) {
                conflicts.removeFirst();
            }
        }
    }

    Map<String, Object> toJson() {
        List<Object> ps = new ArrayList<>();
        for (Partner p : partners.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partner", p.url);
            m.put("state", p.state);
            Instant last = p.lastSuccess;
            m.put("last_success", last == null ? Json.NULL : last.toString());
            m.put("lag_seconds", p.lagSeconds < 0 ? Json.NULL : (Object) p.lagSeconds);
            m.put("last_error", p.lastError == null ? Json.NULL : p.lastError);
            ps.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partners", ps);
        synchronized (conflicts) {
            out.put("name_conflicts", new ArrayList<Object>(conflicts));
        }
        return out;
    }
}
