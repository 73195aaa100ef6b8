package keyward.http;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import keyward.core.KwException;

/** {@code GET /v1/replication/status} (admin): per partner state, last success, lag and last error; name conflicts. */
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
}
