package keyward.http;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import keyward.core.KwException;

/**
 * {@code GET /v1/replication/status} (admin): per partner state, last success, lag and last error;
 * name conflicts. And the per-partner gauges, labelled {@code partner}.
 */
public final class ReplicationRoutes {
    private ReplicationRoutes() {
    }

    /** The status route over {@code status} (the replicator's JSON; called per request). */
    public static List<Route> routes(Supplier<Map<String, Object>> status) {
        return List.of(Route.of("GET", "/v1/replication/status", "replication.status", true, c -> {
            if (!c.principal().admin()) {
                throw KwException.forbidden("replication status needs an admin");
            }
            return Reply.ok(status.get());
        }));
    }

    /**
     * Registers, for each partner url this node pulls from, {@code keyward_replication_lag_seconds}
     * and {@code keyward_replication_partner_ok}, both labelled {@code partner="<url>"}.
     */
    public static void gauges(Metrics metrics, List<String> partners, ToDoubleFunction<String> lagSeconds,
                              ToDoubleFunction<String> ok) {
        for (String url : partners) {
            String label = "{partner=\"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            metrics.gauge("keyward_replication_lag_seconds" + label, "Seconds this node may be behind the partner:"
                    + " 0 while it answers on time, growing while it is unreachable (-1 before its first answer).",
                    () -> lagSeconds.applyAsDouble(url));
            metrics.gauge("keyward_replication_partner_ok" + label, "1 while pulls from the partner succeed, else 0.",
                    () -> ok.applyAsDouble(url));
        }
    }
}
