package keyward.http.wire;

/**
 * Limits of a {@link WireServer}.
 *
 * @param maxConnections    connections open at once; one more is answered 503 and closed
 * @param maxPerClient      connections open at once from one client address
 * @param idleThreads       connection threads kept waiting for connections (more are started as needed)
 * @param headerTimeoutMs   time allowed for the TLS handshake and a request's line and headers
 * @param requestTimeoutMs  time allowed to read a request body, and to write an answer; the head
 *                          must also arrive within it
 * @param keepAliveMs       how long an idle connection is kept open between requests
 */
public record WireOptions(int maxConnections, int maxPerClient, int idleThreads, int headerTimeoutMs,
                          int requestTimeoutMs, int keepAliveMs) {
    public WireOptions {
        if (maxConnections < 1 || maxPerClient < 1 || idleThreads < 0 || headerTimeoutMs < 1 || requestTimeoutMs < 1
                || keepAliveMs < 1) {
            throw new IllegalArgumentException("connection limits and timeouts must be positive");
        }
    }
}
