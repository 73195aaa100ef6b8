package keyward.store.redis;

/**
 * How to reach Redis and open the encrypted store. Immutable apart from the password array,
 * which the caller owns (and may wipe once {@link RedisStore#open} returned).
 *
 * @param url            {@code redis://[user:password@]host:port[/db]} or {@code rediss://...} (TLS, JSSE defaults),
 *                       or {@code redis-sentinel://host:port,host:port/<master>[/db]} ({@code rediss-sentinel://})
 * @param masterPassword the Redis master password; the master key is derived from it with Argon2id
 * @param label          the findex label (public, mixed into every index address)
 * @param namespace      key prefix, a deployment constant shown in plain; null = "kw"
 * @param poolSize       connections at most, 1..256; 0 = 8
 * @param timeoutMs      connect, read and pool-wait timeout, 1..600000 ms; 0 = 2000 (inside a
 *                       request: the whole request's time for the database)
 * @param minReplicas    replicas that must acknowledge each write (WAIT) before it is reported done, 0..16
 */
public record RedisOptions(String url, char[] masterPassword, String label, String namespace, int poolSize,
                           int timeoutMs, int minReplicas) {

    /** Writes acknowledged by the primary alone ({@code minReplicas} 0). */
    public RedisOptions(String url, char[] masterPassword, String label, String namespace, int poolSize, int timeoutMs) {
        this(url, masterPassword, label, namespace, poolSize, timeoutMs, 0);
    }

    public RedisOptions {
        RedisUrl.parse(url);
        if (masterPassword == null || masterPassword.length == 0) {
            throw new IllegalArgumentException("redis-master-password: must not be empty");
        }
        if (label == null || label.isBlank() || label.length() > 256) {
            throw new IllegalArgumentException("redis-findex-label: must be 1..256 characters");
        }
        namespace = namespace == null ? "kw" : namespace;
        if (!namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("redis namespace: must match [A-Za-z0-9_.-]{1,64}, not '" + namespace + "'");
        }
        poolSize = poolSize == 0 ? 8 : poolSize;
        if (poolSize < 1 || poolSize > 256) {
            throw new IllegalArgumentException("redis pool size: must be 1..256, not " + poolSize);
        }
        timeoutMs = timeoutMs == 0 ? 2000 : timeoutMs;
        if (timeoutMs < 1 || timeoutMs > 600_000) {
            throw new IllegalArgumentException("redis timeout: must be 1..600000 ms, not " + timeoutMs);
        }
        if (minReplicas < 0 || minReplicas > 16) {
            throw new IllegalArgumentException("redis_min_replicas: must be 0..16, not " + minReplicas);
        }
    }

    /** For logs: the password and the URL's password are masked. */
    @Override
    public String toString() {
        return "RedisOptions[url=" + RedisUrl.parse(url) + ", masterPassword=***, label=" + label + ", namespace="
                + namespace + ", poolSize=" + poolSize + ", timeoutMs=" + timeoutMs + ", minReplicas=" + minReplicas + "]";
    }
}
