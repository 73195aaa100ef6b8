package keyward.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KwException;

/** Unauthenticated health, readiness, version and metrics, plus the BYOK wrapping key. */
final class OpsRoutes {
    private OpsRoutes() {
    }

    /**
     * @param readiness returns null when ready, else the name of the failing part
     */
    static List<Route> routes(Core core, Metrics metrics, Supplier<String> readiness, String version,
            String git) {
        return List.of(
                Route.of("GET", "/health", "health", false, c -> Reply.ok(Map.of("status", "up"))),
                Route.of("GET", "/ready", "ready", false, c -> {
                    String failing = readiness.get();
                    if (failing != null) {
                        throw new KwException(ErrorCode.UNAVAILABLE, "not ready: " + failing);
                    }
                    return Reply.ok(Map.of("status", "ready"));
                }),
                Route.of("GET", "/version", "version", false, c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("version", version);
                    m.put("git", git);
                    m.put("java", System.getProperty("java.version"));
                    return Reply.ok(m);
                }),
                Route.of("GET", "/metrics", "metrics", false,
                        c -> Reply.text(metrics.render(), "text/plain; version=0.0.4; charset=utf-8")),
                Route.of("GET", "/v1/wrapping-key", "wrapping_key", true, c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("public_key", core.wrappingKeyPem());
                    m.put("algorithm", "rsa-4096");
                    m.put("wrapping_algorithm", "RSA_AES_KEY_WRAP_SHA_256");
                    return Reply.ok(m);
                }));
    }
}
