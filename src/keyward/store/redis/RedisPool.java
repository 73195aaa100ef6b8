package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.PoolUsage;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * A small pool of {@link RedisConnection}s. Thread-safe. At most {@code size} connections exist.
 * Borrowing one (waiting for a free slot, checking idle connections, connecting with TLS and
 * AUTH) takes at most {@code timeoutMs} in all: every step waits only for what is left of that
 * one deadline, then the caller gets {@link StoreUnavailableException}. Broken connections are
 * dropped on return and replaced on demand, so the pool recovers by itself once Redis is back. A
 * connection idle for more than a second is checked with PING before it is lent (the server may
 * have closed it).
 */
final class RedisPool implements AutoCloseable, PoolUsage {
    private static final long CHECK_IDLE_AFTER_MS = 1000;

    private final RedisUrl url;
    private final int timeoutMs;
    private final long checkIdleAfterMs;
    private final SSLSocketFactory tls;
    private final Semaphore permits;
    private final int size;
    private final ConcurrentLinkedDeque<RedisConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls) {
        this(url, size, timeoutMs, tls, CHECK_IDLE_AFTER_MS);
    }

    /** As above, with idle connections checked after {@code checkIdleAfterMs} (tests: 0, always). */
    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls, long checkIdleAfterMs) {
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.checkIdleAfterMs = checkIdleAfterMs;
        this.tls = tls;
        this.permits = new Semaphore(size, true);
        this.size = size;
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            if (!permits.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("no Redis connection free within " + timeoutMs + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a Redis connection", e);
        }
        RedisConnection c = null;
        try {
            c = take(deadline);
            return work.apply(c);
        } finally {
            if (c != null) {
                giveBack(c);
            }
            permits.release();
        }
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
            if (!c.broken() && (c.idleMillis() < checkIdleAfterMs || alive(c, deadline))) {
                return c;
            }
            c.close();
        }
        return RedisConnection.connect(url, deadline, timeoutMs, tls);
    }

    /** False if {@code c} does not answer PING before {@code deadline} (or it has passed): it is then dropped. */
    private static boolean alive(RedisConnection c, long deadline) {
        try {
            return "PONG".equals(c.callWithin(RedisConnection.millisLeft(deadline, c.where()), RedisConnection.args("PING")));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private void giveBack(RedisConnection c) {
        if (closed || c.broken()) {
            c.close();
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
        drain();
    }
}
