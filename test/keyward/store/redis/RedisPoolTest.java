package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.StoreDeadline;
import keyward.store.StoreUnavailableException;
import keyward.store.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One borrow, one deadline: through a path that stops moving bytes, waiting for a slot, checking
 * idle connections and connecting (with SELECT) share one timeout instead of taking one each.
 */
class RedisPoolTest {
    private static final int TIMEOUT_MS = 800;
    private static final SSLSocketFactory NO_TLS = (SSLSocketFactory) SSLSocketFactory.getDefault();
    private TcpProxy proxy;

    @BeforeEach
    void start() throws Exception {
        RedisTestSupport.url();
        proxy = new TcpProxy("127.0.0.1", 6379);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    /** A pool through the proxy on database 1 (so every new connection sends SELECT); idle ones are always checked. */
    private RedisPool pool(int size) {
        return new RedisPool(RedisUrl.parse("redis://127.0.0.1:" + proxy.port() + "/1"), size, TIMEOUT_MS, NO_TLS, 0);
    }

    @Test
    void usage_countsTheLentConnections_forMetrics() {
        try (RedisPool p = pool(3)) {
            assertEquals("redis", p.name());
            assertEquals(3, p.size());
            assertEquals(0, p.inUse());
            assertEquals(2, (int) p.with(a -> p.with(b -> p.inUse())));
            assertEquals(0, p.inUse());
            assertEquals(0, p.waiting());
        }
    }

    @Test
    void borrow_withStaleIdleConnectionsThroughAStalledPath_givesUpWithinAboutOneTimeout() {
        try (RedisPool p = pool(4)) {
            assertEquals("x", p.with(a -> p.with(b -> p.with(c -> "x"))), "three connections made, now idle");
            proxy.stall();
            long ms = millisToFail(p);
            // before: a PING per idle connection, then SELECT on a new one, each a full timeout (4 x 800 ms)
            assertTrue(ms >= TIMEOUT_MS * 8 / 10 && ms < TIMEOUT_MS * 2, ms + " ms");
            proxy.restore();
            assertEquals("PONG", p.call("PING"), "the pool recovers by itself");
        }
    }

    @Test
    void borrow_afterWaitingForAFreeSlot_hasOnlyTheRestOfTheTimeoutToConnect() throws Exception {
        try (RedisPool p = pool(1)) {
            CountDownLatch holding = new CountDownLatch(1);
            String empty = RedisTestSupport.newNamespace() + ":empty";
            CompletableFuture<Object> holder = CompletableFuture.supplyAsync(() -> p.with(c -> {
                holding.countDown();
                Object r = c.call(RedisConnection.args("BLPOP", empty, "0.4")); // Redis answers after 400 ms
                proxy.stall(); // from now on no byte moves, before the slot comes free
                c.close();
                return r;
            }));
            await(holding);
            long ms = millisToFail(p);
            // before: the slot came free after 400 ms, then SELECT on a new connection took a full timeout more
            assertTrue(ms < TIMEOUT_MS * 5 / 4, ms + " ms");
            assertEquals(null, holder.get(5, TimeUnit.SECONDS), "BLPOP timed out on the server");
            proxy.restore();
            assertEquals("PONG", p.call("PING"));
        }
    }

    @Test
    void oneRequest_sharesOneDeadline_acrossAllItsBorrows() {
        try (RedisPool p = pool(4)) {
            assertEquals("PONG", p.call("PING"));
            proxy.stall();
            long start = System.nanoTime();
            StoreDeadline.Scope request = StoreDeadline.begin();
            try {
                // before: each of these waited a full timeout of its own (3 x 800 ms)
                for (int i = 0; i < 3; i++) {
                    assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
                }
            } finally {
                request.close();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < TIMEOUT_MS * 3 / 2, ms + " ms for three borrows of one request");
            proxy.restore();
            assertEquals("PONG", p.call("PING"), "outside the request each call has its own timeout again");
        }
    }

    @Test
    void aRequestWhoseTimeIsSpent_writesNothing_evenWhenRedisIsBack() {
        String key = RedisTestSupport.newNamespace() + ":late";
        try (RedisPool p = pool(2)) {
            assertEquals("PONG", p.call("PING"));
            proxy.stall();
            StoreDeadline.Scope request = StoreDeadline.begin();
            try {
                assertThrows(StoreUnavailableException.class, () -> p.call("GET", key));
                proxy.restore();
                StoreUnavailableException late = assertThrows(StoreUnavailableException.class, () -> p.call("SET", key, "v"));
                assertTrue(late.getMessage().contains("db_timeout_ms"), late.getMessage());
            } finally {
                request.close();
            }
            assertEquals(null, p.call("GET", key), "the late write never reached Redis");
        }
    }

    @Test
    void minReplicas_aWriteNoReplicaAcknowledges_isUnavailable_readsAreServed() {
        String key = RedisTestSupport.newNamespace() + ":wait";
        // the test Redis has no replica
        try (RedisPool p = new RedisPool(RedisUrl.parse("redis://127.0.0.1:" + proxy.port()), 2, 300, NO_TLS, 0, 1)) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> p.call("SET", key, "v"));
            assertTrue(e.getMessage().contains("reached 0 of the 1 Redis replicas"), e.getMessage());
            assertEquals("v", new String((byte[]) p.call("GET", key), java.nio.charset.StandardCharsets.UTF_8),
                    "the primary has it: it is only not reported as done");
            assertEquals(null, p.call("GET", key + "-none"), "without a fence, a read waits for no replica");
            p.fenceReadsWith(key + "-fence");
            StoreUnavailableException read = assertThrows(StoreUnavailableException.class, () -> p.call("GET", key));
            assertTrue(read.getMessage().contains("what was read reached 0 of the 1"), read.getMessage());
        }
        try (RedisPool raw = RedisTestSupport.rawPool()) {
            raw.call("DEL", key, key + "-fence");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long millisToFail(RedisPool p) {
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
