package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import keyward.core.AuditTrail;
import keyward.json.Json;
import keyward.log.Log;

/**
 * What replication reports: per partner state, last success, lag and last error; the key name
 * conflicts settled here (one entry per renamed key, with the name it has now). Thread-safe.
 */
final class Status {

    private static final int MAX_CONFLICTS = 100;
    /** How late a partner's answer may be before its silence counts as lag. */
    private static final long GRACE_MS = 1000;

    /** One partner's consumer state; written by its consumer thread only. */
    static final class Partner {
        final String url;
        private final Clock clock;
        private final long quietMs;
        volatile String state = "starting";
        volatile Instant lastSuccess;
        volatile String lastError;
        /** When this node last held every change the partner had (epoch ms), -1 never. */
        private volatile long caughtUpMillis = -1;
        /** The partner's last answer said "nothing new". */
        private volatile boolean current;

        Partner(String url, Clock clock, long quietMs) {
            this.url = url;
            this.clock = clock;
            this.quietMs = quietMs;
        }

        /** The partner answered "nothing new": this node holds all it has. */
        void upToDate() {
            caughtUpMillis = clock.millis();
            current = true;
            lastSuccess = clock.instant();
        }

        /** Changes arrived; the newest was made at {@code newestMillis} (its change id's wall clock). */
        void applied(long newestMillis) {
            caughtUpMillis = Math.min(clock.millis(), Math.max(newestMillis, caughtUpMillis));
            current = false;
            lastSuccess = clock.instant();
        }

        /**
         * Seconds this node may be behind the partner: 0 while the partner keeps answering "nothing
         * new" on time; otherwise the time since this node last held everything the partner had
         * (so it grows while the partner is unreachable); -1 before the first answer.
         */
        double lagSeconds() {
            long caught = caughtUpMillis;
            if (caught < 0) {
                return -1;
            }
            long behind = Math.max(0, clock.millis() - caught);
            return current && behind <= quietMs + GRACE_MS ? 0 : behind / 1000.0;
        }
    }

    private final Clock clock;
    private final AuditTrail audit;
    private final Function<String, Optional<String>> nameOf;
    private final Map<String, Partner> partners = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> conflicts = new LinkedHashMap<>();

    Status(Clock clock, List<String> partnerUrls, AuditTrail audit) {
        this(clock, partnerUrls, audit, 2000, id -> Optional.empty());
    }

    /**
     * @param quietMs the longest a healthy partner stays silent (the long-poll wait or the poll interval)
     * @param nameOf  a key's name now, for the conflicts list
     */
    Status(Clock clock, List<String> partnerUrls, AuditTrail audit, long quietMs, Function<String, Optional<String>> nameOf) {
        this.clock = clock;
        this.audit = audit;
        this.nameOf = nameOf;
        for (String url : partnerUrls) {
            partners.put(url, new Partner(url, clock, quietMs));
        }
    }

    Partner partner(String url) {
        return partners.get(url);
    }

    List<Partner> partners() {
        return List.copyOf(partners.values());
    }

    /**
     * Key {@code loser} lost the name {@code name} to {@code winner} and is now {@code renamedTo}.
     * Logged and audited once per renamed key and name, however often the conflict is seen again.
     */
    void conflict(String name, String winner, String loser, String renamedTo) {
        synchronized (conflicts) {
            Map<String, Object> seen = conflicts.get(loser);
            if (seen != null && renamedTo.equals(seen.get("renamed_to"))) {
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("key", loser);
            m.put("winner", winner);
            m.put("renamed_to", renamedTo);
            m.put("time", clock.instant().toString());
            conflicts.remove(loser);
            conflicts.put(loser, m);
            Iterator<String> oldest = conflicts.keySet().iterator();
            while (conflicts.size() > MAX_CONFLICTS) {
                oldest.next();
                oldest.remove();
            }
        }
        Log.warn("replication: key name '" + name + "' was taken on two nodes at once; key " + winner
                + " (created first) keeps it, key " + loser + " is now named '" + renamedTo + "'");
        if (audit != null) {
            audit.record("replication", "replication.name_conflict", loser, "renamed", null);
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
            double lag = p.lagSeconds();
            m.put("lag_seconds", lag < 0 ? Json.NULL : (Object) lag);
            m.put("last_error", p.lastError == null ? Json.NULL : p.lastError);
            ps.add(m);
        }
        List<Map<String, Object>> cs;
        synchronized (conflicts) {
            cs = new ArrayList<>(conflicts.values());
        }
        List<Object> named = new ArrayList<>();
        for (Map<String, Object> c : cs) {
            Map<String, Object> m = new LinkedHashMap<>(c);
            m.put("current_name", nameOf.apply((String) c.get("key")).map(n -> (Object) n).orElse(Json.NULL));
            named.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partners", ps);
        out.put("name_conflicts", named);
        return out;
    }
}
