package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/** The RESP client against the real Redis: AUTH, SELECT, pipelining, timeouts and the pool. */
class RedisConnectionTest {
    private static final SSLSocketFactory NO_TLS = (SSLSocketFactory) SSLSocketFactory.getDefault();

    private static RedisPool pool(String url, int size, int timeoutMs) {
        return new RedisPool(RedisUrl.parse(url), size, timeoutMs, NO_TLS);
    }

    @Test
    void auth_withUserAndPassword_works_andAWrongPasswordIsRefusedByName() {
        String user = "kwt-" + HexFormat.of().formatHex(RedisTestSupport.random(4));
        try (RedisPool admin = RedisTestSupport.rawPool()) {
            admin.call("ACL", "SETUSER", user, "on", ">s3cret pass", "~*", "&*", "+@all");
            try {
                try (RedisPool p = pool("redis://" + user + ":s3cret%20pass@127.0.0.1:6379", 1, 2000)) {
                    assertEquals(user, new String((byte[]) p.call("ACL", "WHOAMI"), StandardCharsets.UTF_8));
                }
                try (RedisPool p = pool("redis://" + user + ":wrong@127.0.0.1:6379", 1, 2000)) {
                    StoreException e = assertThrows(StoreException.class, () -> p.call("PING"));
                    assertTrue(e.getMessage().startsWith("Redis refused AUTH for user '" + user + "'"), e.getMessage());
                    assertFalse(e.getMessage().contains("wrong"), "never echoes the password");
                }
            } finally {
                admin.call("ACL", "DELUSER", user);
            }
        }
    }

    @Test
    void select_usesTheDatabaseFromTheUrl() {
        String key = RedisTestSupport.newNamespace() + ":db";
        try (RedisPool db5 = pool("redis://127.0.0.1:6379/5", 1, 2000); RedisPool db0 = RedisTestSupport.rawPool()) {
            db5.call("SET", key, "x");
            try {
                assertNull(db0.call("GET", key));
                assertEquals("x", new String((byte[]) db5.call("GET", key), StandardCharsets.UTF_8));
            } finally {
                db5.call("DEL", key);
            }
        }
    }

    @Test
    void pipeline_answersEveryCommandInOrder() {
        String key = RedisTestSupport.newNamespace() + ":n";
        try (RedisPool p = RedisTestSupport.rawPool()) {
            List<List<byte[]>> cmds = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                cmds.add(RedisConnection.args("INCR", key));
            }
            cmds.add(RedisConnection.args("DEL", key));
            List<Object> replies = p.pipeline(cmds);
            for (int i = 0; i < 500; i++) {
                assertEquals((long) i + 1, replies.get(i));
            }
        }
    }

    @Test
    void unreachableRedis_raisesStoreUnavailable() {
        try (RedisPool p = pool("redis://127.0.0.1:1", 1, 1000)) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
            assertTrue(e.getMessage().contains("127.0.0.1:1 is unreachable"), e.getMessage());
        }
    }

    @Test
    void silentServer_raisesStoreUnavailable_withinTheReadTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             RedisPool p = pool("redis://127.0.0.1:" + silent.getLocalPort(), 1, 300)) {
            long start = System.nanoTime();
            assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250 && ms < 3000, ms + " ms");
        }
    }

    @Test
    void deadConnection_isDroppedAndReplaced() throws Exception {
        try (RedisPool p = pool(RedisTestSupport.url(), 1, 2000); RedisPool admin = RedisTestSupport.rawPool()) {
            long id = (Long) p.call("CLIENT", "ID");
            admin.call("CLIENT", "KILL", "ID", Long.toString(id));
            assertThrows(StoreUnavailableException.class, () -> p.call("PING"), "the in-flight call fails");
            long second = (Long) p.call("CLIENT", "ID");
            assertNotEquals(id, second, "the next one runs on a new connection");
        }
    }

    @Test
    void idleConnection_pastTheCheckAge_isCheckedBeforeItIsLent() {
        try (RedisPool p = new RedisPool(RedisUrl.parse(RedisTestSupport.url()), 1, 2000, NO_TLS, 0);
             RedisPool admin = RedisTestSupport.rawPool()) {
            long id = (Long) p.call("CLIENT", "ID");
            admin.call("CLIENT", "KILL", "ID", Long.toString(id));
            assertNotEquals(id, p.call("CLIENT", "ID"), "an idle connection is checked before it is lent");
        }
    }

    @Test
    void exhaustedPool_waitsAtMostTheTimeout() throws Exception {
        try (RedisPool p = pool(RedisTestSupport.url(), 1, 300)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> p.with(c -> {
                holding.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holder.start();
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
            assertTrue(e.getMessage().contains("no Redis connection to 127.0.0.1:6379 free within db_timeout_ms (300 ms)"), e.getMessage());
            release.countDown();
            holder.join(5000);
            assertEquals("PONG", p.call("PING"));
        }
    }

    @Test
    void errorReply_isRaisedNamingTheCommand() {
        try (RedisPool p = RedisTestSupport.rawPool()) {
            StoreException e = assertThrows(StoreException.class, () -> p.call("NOSUCHCOMMAND"));
            assertTrue(e.getMessage().startsWith("Redis refused NOSUCHCOMMAND"), e.getMessage());
            assertEquals("PONG", p.call("PING"), "the connection stays usable after an error reply");
        }
    }
}
