package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.PoolUsage;
import keyward.store.StoreDeadline;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * A small pool of {@link RedisConnection}s. Thread-safe. At most {@code size} connections exist.
 * Borrowing one (waiting for a free slot, checking idle connections, connecting with TLS and
 * AUTH) and the work done on it take at most {@code timeoutMs} in all, and inside a request's
 * {@link StoreDeadline} scope all the request's borrows share that one deadline: every step
 * waits only for what is left, then the caller gets {@link StoreUnavailableException}, so no
 * request succeeds after its time. Broken connections are dropped on return and replaced on
 * demand, so the pool recovers by itself once Redis is back. A connection idle for more than a
 * second is checked before it is lent (PING; ROLE through Sentinel: it must still be the primary).
 *
 * <p>With a Sentinel URL each new connection asks the Sentinels (starting with the one that
 * answered last) for the master's address, connects there and checks with ROLE that it is the
 * primary; a write refused as READONLY (the server was demoted by a failover) drops every idle
 * connection, and a watcher asks the Sentinels twice a second where the master is (connections
 * to a master they no longer name are closed), so the pool follows a failover without restart. With {@code minReplicas} above 0,
 * a borrow that wrote ends with {@code WAIT minReplicas <time left>}: fewer replicas acknowledging
 * in time is {@link StoreUnavailableException} (the write happened on the primary but is not
 * reported as done).
 */
final class RedisPool implements AutoCloseable, PoolUsage {
    static final long CHECK_IDLE_AFTER_MS = 1000;
    /** How often the Sentinels are asked where the master is, between failures. */
    static final long WATCH_SENTINELS_MS = 500;

    private final RedisUrl url;
    private final int timeoutMs;
    private final long checkIdleAfterMs;
    private final SSLSocketFactory tls;
    private final Semaphore permits;
    private final int size;
    private final ConcurrentLinkedDeque<RedisConnection> idle = new ConcurrentLinkedDeque<>();
    private final int minReplicas;
    private volatile String fenceKey;
    /** The Sentinel that answered last (an index into the URL's list): asked first next time. */
    private volatile int sentinelFirst;
    /** "host:port" of the master as the Sentinels named it last; null before the first answer. */
    private volatile String named;
    private final Thread watcher;
    private volatile boolean closed;

    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls) {
        this(url, size, timeoutMs, tls, CHECK_IDLE_AFTER_MS);
    }

    /** As above, with idle connections checked after {@code checkIdleAfterMs} (tests: 0, always). */
    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls, long checkIdleAfterMs) {
        this(url, size, timeoutMs, tls, checkIdleAfterMs, 0);
    }

    /** As above, and each borrow that wrote waits until {@code minReplicas} replicas have it (WAIT). */
    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls, long checkIdleAfterMs, int minReplicas) {
        this(url, size, timeoutMs, tls, checkIdleAfterMs, minReplicas, 0);
    }

    /**
     * As above; through Sentinel, with {@code watchMs} above 0, a daemon thread asks the Sentinels
     * every {@code watchMs} where the master is, and once they name another, connections to the
     * old one are closed (idle ones at once, lent ones when they come back). A failover that
     * leaves the old primary up (planned, or a partition) is followed within that time, not only
     * once the old primary refuses a write.
     */
    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls, long checkIdleAfterMs, int minReplicas,
              long watchMs) {
        this.minReplicas = minReplicas;
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.checkIdleAfterMs = checkIdleAfterMs;
        this.tls = tls;
        this.permits = new Semaphore(size, true);
        this.size = size;
        if (url.viaSentinel() && watchMs > 0) {
            watcher = new Thread(() -> watch(watchMs), "redis-sentinel-watch " + url.master());
            watcher.setDaemon(true);
            watcher.start();
        } else {
            watcher = null;
        }
    }

    private void watch(long everyMs) {
        while (!closed) {
            try {
                Thread.sleep(everyMs);
            } catch (InterruptedException e) {
                return; // closed
            }
            try {
                String now = askSentinels(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, 1000)));
                if (!now.equals(named)) {
                    named = now;
                    drain(); // the idle connections talk to the old master
                }
            } catch (StoreUnavailableException e) {
                // no Sentinel answered: the next borrow will say so; keep watching
            }
        }
    }

    /** True if {@code c} talks to another server than the one the Sentinels name now. */
    private boolean stale(RedisConnection c) {
        String n = named;
        return n != null && url.viaSentinel() && !n.equals(c.where());
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int inUse() {
        return Math.max(0, size - permits.availablePermits());
    }

    @Override
    public int waiting() {
        return permits.getQueueLength();
    }

    int timeoutMs() {
        return timeoutMs;
    }

    /** Runs {@code work} on a lent connection; the connection goes back (or is dropped if broken). */
    <T> T with(Function<RedisConnection, T> work) {
        if (closed) {
            throw new IllegalStateException("the Redis store is closed");
        }
        long deadline = StoreDeadline.deadline(timeoutMs);
        long wait = deadline - System.nanoTime();
        try {
            if (wait <= 0 || !permits.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException("no Redis connection to " + where() + " free within db_timeout_ms ("
                        + timeoutMs + " ms" + (StoreDeadline.inRequest() ? " for the whole request" : "") + ")", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a Redis connection", e);
        }
        RedisConnection c = null;
        try {
            c = take(deadline);
            c.until(deadline);
            c.clearWrote();
            T result = work.apply(c);
            if (minReplicas > 0 && (c.wrote() || fenceKey != null)) {
                awaitReplicas(c, !c.wrote());
            }
            return result;
        } finally {
            if (c != null) {
                c.until(0);
                giveBack(c);
            }
            permits.release();
        }
    }

    /**
     * WAIT for {@code minReplicas} replicas within what is left of the deadline (WAIT's 0 means
     * forever, so at least 1 ms). WAIT counts this connection's own writes; after a borrow that
     * only read ({@code fence}), a write to {@code fenceKey} first puts this connection after
     * everything the primary held when it was read, so what the caller read (a key version
     * another instance wrote but no replica confirmed) is answered only once replicas have it.
     */
    private void awaitReplicas(RedisConnection c, boolean fence) {
        int left = RedisConnection.millisLeft(c.deadline(), c.where());
        // the reply comes when the time is up: leave it a moment to travel back
        // (Redis checks WAIT timeouts 10 times a second: it may answer up to 100 ms after waitMs)
        int waitMs = Math.max(1, left - Math.min(left / 2, 250));
        List<byte[]> wait = RedisConnection.args("WAIT", Integer.toString(minReplicas), Integer.toString(waitMs));
        Object r = fence ? c.pipeline(List.of(RedisConnection.args("INCR", fenceKey), wait)).get(1) : c.call(wait);
        long acked = r instanceof Long n ? n : -1;
        if (acked < minReplicas) {
            throw new StoreUnavailableException((fence ? "what was read" : "the write") + " reached " + Math.max(0, acked)
                    + " of the " + minReplicas + " Redis replicas redis_min_replicas asks for within db_timeout_ms (primary "
                    + c.where() + ")" + (fence ? "" : "; it is not reported as done"), null);
        }
    }

    /**
     * With {@code minReplicas} above 0, reads too wait for the replicas: each borrow that only
     * read ends with {@code INCR key} and WAIT ({@link #awaitReplicas}).
     */
    void fenceReadsWith(String key) {
        this.fenceKey = key;
    }

    /** One command; an error reply is raised as a {@link StoreException} naming the command. */
    Object call(List<byte[]> command) {
        Object r = with(c -> c.call(command));
        if (r instanceof Resp.Error e) {
            throw new StoreException("Redis refused " + new String(command.get(0), StandardCharsets.US_ASCII) + ": " + e.message());
        }
        return r;
    }

    Object call(String... words) {
        return call(RedisConnection.args(words));
    }

    List<Object> pipeline(List<List<byte[]>> commands) {
        return with(c -> c.pipeline(commands));
    }

    /** An idle connection that still answers, else a new one; ready before {@code deadline} or not at all. */
    private RedisConnection take(long deadline) {
        RedisConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.broken() && !stale(c) && (c.idleMillis() < checkIdleAfterMs || alive(c, deadline))) {
                return c;
            }
            c.close();
        }
        return url.viaSentinel() ? connectPrimary(deadline) : RedisConnection.connect(url, deadline, timeoutMs, tls);
    }

    /**
     * False if {@code c} does not answer before {@code deadline} (or it has passed), or, through
     * Sentinel, is no longer the primary: it is then dropped.
     */
    private boolean alive(RedisConnection c, long deadline) {
        try {
            c.until(deadline);
            return url.viaSentinel() ? isPrimary(c) : "PONG".equals(c.call(RedisConnection.args("PING")));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private static boolean isPrimary(RedisConnection c) {
        return c.call(RedisConnection.args("ROLE")) instanceof List<?> role && !role.isEmpty()
                && role.get(0) instanceof byte[] b && "master".equals(new String(b, StandardCharsets.US_ASCII));
    }

    /**
     * Asks the Sentinels in turn (each gets an equal share of the time left) where the master is,
     * connects there and checks with ROLE that it is the primary.
     */
    private RedisConnection connectPrimary(long deadline) {
        List<RedisUrl.Endpoint> sentinels = url.sentinels();
        int first = sentinelFirst;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < sentinels.size(); i++) {
            int index = (first + i) % sentinels.size();
            RedisUrl.Endpoint s = sentinels.get(index);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long share = Math.min(deadline, System.nanoTime() + left / (sentinels.size() - i));
            String primary;
            try {
                primary = askSentinel(s, share);
            } catch (StoreUnavailableException e) {
                failures.append("; ").append(e.getMessage());
                continue;
            }
            sentinelFirst = index;
            named = primary;
            int colon = primary.lastIndexOf(':');
            String host = primary.substring(0, colon);
            int port = Integer.parseInt(primary.substring(colon + 1));
            RedisConnection c = RedisConnection.connect(url.at(host, port), deadline, timeoutMs, tls);
            try {
                c.until(deadline);
                if (isPrimary(c)) {
                    c.until(0);
                    return c;
                }
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            c.close();
            failures.append("; Redis at ").append(host).append(':').append(port).append(", which Sentinel at ").append(s)
                    .append(" names as master '").append(url.master()).append("', answers ROLE as a replica (failover under way?)");
        }
        throw new StoreUnavailableException("no primary for Redis master '" + url.master() + "' found through the Sentinels "
                + url.sentinels() + " within db_timeout_ms" + failures, null);
    }

    /** "host:port" of the master as the first Sentinel that answers before {@code deadline} knows it. */
    private String askSentinels(long deadline) {
        List<RedisUrl.Endpoint> sentinels = url.sentinels();
        int first = sentinelFirst;
        StoreUnavailableException last = null;
        for (int i = 0; i < sentinels.size(); i++) {
            int index = (first + i) % sentinels.size();
            try {
                String p = askSentinel(sentinels.get(index), deadline);
                sentinelFirst = index;
                return p;
            } catch (StoreUnavailableException e) {
                last = e;
            }
        }
        throw last != null ? last : new StoreUnavailableException("no Sentinel configured", null);
    }

    /** "host:port" of the master, as Sentinel {@code s} knows it. */
    private String askSentinel(RedisUrl.Endpoint s, long deadline) {
        try (RedisConnection sc = RedisConnection.connect(url.sentinel(s), deadline, timeoutMs, tls)) {
            sc.until(deadline);
            Object r = sc.call(RedisConnection.args("SENTINEL", "GET-MASTER-ADDR-BY-NAME", url.master()));
            if (r instanceof List<?> l && l.size() == 2 && l.get(0) instanceof byte[] h && l.get(1) instanceof byte[] p) {
                return new String(h, StandardCharsets.UTF_8) + ":" + new String(p, StandardCharsets.US_ASCII);
            }
            if (r instanceof Resp.Error e) {
                throw new StoreUnavailableException("Sentinel at " + s + " refused: " + e.message(), null);
            }
            throw new StoreUnavailableException("Sentinel at " + s + " does not know master '" + url.master()
                    + "' (check the name in database_url)", null);
        }
    }

    /** Where this pool connects, for messages. */
    String where() {
        return url.viaSentinel() ? "master '" + url.master() + "' via Sentinels " + url.sentinels() : url.host() + ":" + url.port();
    }

    private void giveBack(RedisConnection c) {
        if (closed || c.broken() || stale(c)) {
            c.close();
            if (c.demoted()) {
                drain(); // the idle ones talk to the same demoted server
            }
            return;
        }
        c.markIdle();
        idle.addFirst(c);
        if (closed) {
            drain();
        }
    }

    private void drain() {
        RedisConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    /** Closes idle connections now and lent ones when they come back. */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        drain();
    }
}
