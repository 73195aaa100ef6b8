package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;
import keyward.time.Clock;

/**
 * A small pool of {@link RedisConnection}s. Thread-safe. At most {@code size} connections exist;
 * a caller waits at most {@code timeoutMs} for one. Broken connections are dropped on return and
 * replaced on demand, so the pool recovers by itself once Redis is back. A connection idle for
 * more than a second is checked with PING before it is lent (the server may have closed it).
 */
final class RedisPool implements AutoCloseable {
    private static final long CHECK_IDLE_AFTER_MS = 1000;

    private final RedisUrl url;
    private final int timeoutMs;
    private final SSLSocketFactory tls;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<RedisConnection> idle = new ConcurrentLinkedDeque<>();
    private final Clock clock;
    private volatile boolean closed;

    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls) {
        this(url, size, timeoutMs, tls, Clock.system());
    }

    /** {@code clock} times how long a connection has been idle. */
    RedisPool(RedisUrl url, int size, int timeoutMs, SSLSocketFactory tls, Clock clock) {
        this.clock = clock;
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.tls = tls;
        this.permits = new Semaphore(size, true);
    }

    int timeoutMs() {
        return timeoutMs;
    }

    /** Runs {@code work} on a lent connection; the connection goes back (or is dropped if broken). */
    <T> T with(Function<RedisConnection, T> work) {
        if (closed) {
            throw new IllegalStateException("the Redis store is closed");
        }
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
            c = take();
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

    private RedisConnection take() {
        RedisConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.broken() && (c.idleMillis(clock.nanos()) < CHECK_IDLE_AFTER_MS || alive(c))) {
                return c;
            }
            c.close();
        }
        return RedisConnection.connect(url, timeoutMs, tls);
    }

    private static boolean alive(RedisConnection c) {
        try {
            return "PONG".equals(c.call(RedisConnection.args("PING")));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private void giveBack(RedisConnection c) {
        if (closed || c.broken()) {
            c.close();
            return;
        }
        c.markIdle(clock.nanos());
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
