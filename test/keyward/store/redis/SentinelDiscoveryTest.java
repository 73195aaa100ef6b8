package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;
import keyward.Poll;
import keyward.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding the primary through Sentinel: the Sentinels are asked in turn, the one that answered is
 * asked first next time, the address they give is checked with ROLE, and an unknown master name
 * or no Sentinel answering is a StoreUnavailableException naming what was tried. The Sentinels
 * here are a small stand-in speaking RESP (a real Sentinel would monitor the machine's shared
 * Redis); the primary they name is the test Redis. The real three-Sentinel cluster with
 * failovers is {@code keyward.clusters.RedisSentinelTest}.
 */
class SentinelDiscoveryTest {
    private static final SSLSocketFactory NO_TLS = (SSLSocketFactory) SSLSocketFactory.getDefault();
    private StandInSentinel first;
    private StandInSentinel second;

    /** Answers SENTINEL GET-MASTER-ADDR-BY-NAME for one master name with {@link #primary}; counts the questions. */
    static final class StandInSentinel implements AutoCloseable {
        final ServerSocket server;
        final AtomicReference<String> primary = new AtomicReference<>("127.0.0.1:6379");
        final AtomicInteger asked = new AtomicInteger();
        final String master;

        StandInSentinel(String master) throws IOException {
            this.master = master;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::serve, "stand-in-sentinel");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        List<?> cmd = (List<?>) Resp.read(in);
                        asked.incrementAndGet();
                        String name = new String((byte[]) cmd.get(2), StandardCharsets.UTF_8);
                        String addr = primary.get();
                        String reply;
                        if (!name.equals(master) || addr == null) {
                            reply = "*-1\r\n";
                        } else {
                            String host = addr.substring(0, addr.lastIndexOf(':'));
                            String port = addr.substring(addr.lastIndexOf(':') + 1);
                            reply = "*2\r\n$" + host.length() + "\r\n" + host + "\r\n$" + port.length() + "\r\n" + port + "\r\n";
                        }
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    // the client closed its connection, or the stand-in is closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        RedisTestSupport.url();
        first = new StandInSentinel("keyward");
        second = new StandInSentinel("keyward");
    }

    @AfterEach
    void stop() throws IOException {
        first.close();
        second.close();
    }

    private static RedisPool pool(String url) {
        return new RedisPool(RedisUrl.parse(url), 2, 1000, NO_TLS, 0);
    }

    @Test
    void aSentinelThatIsDown_isSkipped_andTheOneThatAnswered_isAskedFirstNextTime() throws IOException {
        int down;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = closed.getLocalPort();
        }
        try (RedisPool p = pool("redis-sentinel://127.0.0.1:" + down + ",127.0.0.1:" + first.port() + "/keyward")) {
            assertEquals("PONG", p.call("PING"), "the primary named by the second Sentinel");
            assertEquals(1, first.asked.get());
            assertEquals("127.0.0.1:6379", p.with(RedisConnection::where));
            // a new connection (the idle one is held) asks the Sentinel that answered, not the dead one first
            p.with(a -> p.with(b -> b.call(RedisConnection.args("PING"))));
            assertEquals(2, first.asked.get());
        }
    }

    @Test
    void unknownMasterName_isUnavailable_namingTheNameAndTheSentinels() {
        try (RedisPool p = pool("redis-sentinel://127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port() + "/other")) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
            assertTrue(e.getMessage().contains("does not know master 'other'"), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + second.port()), e.getMessage());
            assertEquals(1, first.asked.get());
            assertEquals(1, second.asked.get());
        }
    }

    @Test
    void aPrimaryThatIsDown_isUnavailable_andFollowedOnceTheSentinelsNameAnother() throws IOException {
        int down;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = closed.getLocalPort();
        }
        first.primary.set("127.0.0.1:" + down);
        try (RedisPool p = pool("redis-sentinel://127.0.0.1:" + first.port() + "/keyward")) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> p.call("PING"));
            assertTrue(e.getMessage().contains("127.0.0.1:" + down), e.getMessage());
            first.primary.set("127.0.0.1:6379"); // the failover is done
            assertEquals("PONG", p.call("PING"));
        }
    }

    @Test
    void whenTheSentinelsNameAnotherMaster_connectionsToTheOldOneAreDropped_withoutAFailedWrite() {
        try (RedisPool p = new RedisPool(RedisUrl.parse("redis-sentinel://127.0.0.1:" + first.port() + "/keyward"), 2, 1000,
                NO_TLS, 60_000, 0, 20)) {
            assertEquals("127.0.0.1:6379", p.with(RedisConnection::where));
            // a planned failover leaves the old primary up and answering: only the Sentinels tell
            first.primary.set("localhost:6379"); // the same test Redis under another name: "another server"
            Poll.until("the pool follows the Sentinels", () -> "localhost:6379".equals(p.with(RedisConnection::where)));
            assertEquals("PONG", p.call("PING"));
        }
    }
}
