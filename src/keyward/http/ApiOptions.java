package keyward.http;

import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Settings of the HTTP front end.
 *
 * @param ssl                     null for plain HTTP
 * @param clientAuth              true when client certificates are requested (CN = user name)
 * @param workerThreads           connection threads kept ready (more start as connections come, up to
 *                                {@code maxConnections})
 * @param version                 the release, and {@code git} the revision, that {@code GET /version} names
 * @param trustedProxies          addresses or CIDR ranges whose X-Forwarded-For is believed (checked by
 *                                the config; an entry that is not one throws IllegalArgumentException)
 * @param maxConnections          connections open at once
 * @param maxConnectionsPerClient connections open at once from one address
 * @param headerTimeoutMs         time for the TLS handshake and a request's line and headers
 * @param keepAliveMs             how long an idle connection stays open between requests
 */
public record ApiOptions(String bind, int port, int maxBodyBytes, int workerThreads, int requestTimeoutMs,
                         SSLContext ssl, boolean clientAuth, String version, String git, List<String> trustedProxies,
                         int maxConnections, int maxConnectionsPerClient, int headerTimeoutMs, int keepAliveMs) {
    public ApiOptions {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Settings with no trusted proxies and the default connection limits. */
    public ApiOptions(String bind, int port, int maxBodyBytes, int workerThreads, int requestTimeoutMs,
                      SSLContext ssl, boolean clientAuth, String version, String git) {
        this(bind, port, maxBodyBytes, workerThreads, requestTimeoutMs, ssl, clientAuth, version, git, List.of(),
                1024, 256, 10_000, 30_000);
    }
}
