package keyward.http;

import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Settings of the HTTP front end.
 *
 * @param ssl            null for plain HTTP
 * @param clientAuth     true when client certificates are requested (CN = user name)
 * @param workerThreads  size of the bounded worker pool
 * @param version        the release, and {@code git} the revision, that {@code GET /version} names
 * @param trustedProxies addresses or CIDR ranges whose X-Forwarded-For is believed (checked by
 *                       the config; an entry that is not one throws IllegalArgumentException)
 */
public record ApiOptions(String bind, int port, int maxBodyBytes, int workerThreads, int requestTimeoutMs,
                         SSLContext ssl, boolean clientAuth, String version, String git, List<String> trustedProxies) {
    public ApiOptions {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Settings with no trusted proxies. */
    public ApiOptions(String bind, int port, int maxBodyBytes, int workerThreads, int requestTimeoutMs,
                      SSLContext ssl, boolean clientAuth, String version, String git) {
        this(bind, port, maxBodyBytes, workerThreads, requestTimeoutMs, ssl, clientAuth, version, git, List.of());
    }
}
