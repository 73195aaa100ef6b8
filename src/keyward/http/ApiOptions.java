package keyward.http;

import javax.net.ssl.SSLContext;

/**
 * Settings of the HTTP front end.
 *
 * @param ssl            null for plain HTTP
 * @param clientAuth     true when client certificates are requested (CN = user name)
 * @param workerThreads  size of the bounded worker pool
 * @param version        the release, and {@code git} the revision, that {@code GET /version} names
 */
public record ApiOptions(String bind, int port, int maxBodyBytes, int workerThreads, int requestTimeoutMs,
                         SSLContext ssl, boolean clientAuth, String version, String git) {
}
