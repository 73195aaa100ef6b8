package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/**
 * Slow clients hold only their own connection: 200 of them trickling their headers, or their
 * bodies, one byte per second delay the requests of others (/health and an authenticated
 * encrypt) by less than 100 ms at the 99th percentile.
 */
class SlowClientsTest {
    private static final int SLOW = 200;
    private static final long MEASURE_MS = 4000;

    @Test
    void twoHundredClientsSendingHeadersOneBytePerSecond_delayOthersByLessThan100msAtP99() throws Exception {
        assertOthersUndelayed("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "s".repeat(100) + "\r\n\r\n", 0);
    }

    @Test
    void twoHundredClientsSendingBodiesOneBytePerSecond_delayOthersByLessThan100msAtP99() throws Exception {
        String head = "POST /v1/keys/k/encrypt HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n";
        assertOthersUndelayed(head + "{\"plaintext\":\"" + "A".repeat(84) + "\"}", head.length());
    }

    /** Measures others alone, then beside 200 clients sending {@code text} (its first {@code atOnce} bytes at once). */
    private static void assertOthersUndelayed(String text, int atOnce) throws Exception {
        try (TestNode node = TestNode.start()) {
            Http http = node.admin();
            assertEquals(201, http.post("/v1/keys", Map.of("name", "k", "algorithm", "aes-256-gcm")).status());
            measure(http, 500); // warm up
            List<Long> alone = measure(http, MEASURE_MS / 2);
            List<Socket> slow = new ArrayList<>();
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try {
                byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < SLOW; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), node.node.port());
                    s.getOutputStream().write(bytes, 0, atOnce + 1);
                    slow.add(s);
                }
                Http anonymous = new Http(node.base(), null);
                Poll.until("the server holds the slow clients' connections", () -> connections(anonymous) > SLOW);
                int[] sent = {atOnce + 1};
                trickle.scheduleAtFixedRate(() -> {
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write(bytes[sent[0]]);
                        } catch (IOException e) {
                            // checked below: every slow client must still be connected
                        }
                    }
                    sent[0]++;
                }, 1, 1, TimeUnit.SECONDS);
                List<Long> beside = measure(http, MEASURE_MS);
                for (Socket s : slow) {
                    assertStillOpen(s);
                }
                long p99Alone = p99(alone);
                long p99Beside = p99(beside);
                System.out.println("slow clients (" + (atOnce == 0 ? "headers" : "bodies") + "): other clients' p99 "
                        + p99Beside + " ms beside " + SLOW + " slow connections, " + p99Alone + " ms alone ("
                        + beside.size() + " requests)");
                assertTrue(p99Beside < p99Alone + 100, "p99 " + p99Beside + " ms beside " + SLOW + " slow clients, "
                        + p99Alone + " ms alone (" + beside.size() + " requests)");
            } finally {
                trickle.shutdownNow();
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** Latencies in ms of /health and encrypt, alternately, for {@code millis}. */
    private static List<Long> measure(Http http, long millis) {
        List<Long> out = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            Http.Res r = out.size() % 2 == 0 ? http.get("/health")
                    : http.post("/v1/keys/k/encrypt", Map.of("plaintext", Http.b64("hi")));
            out.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(200, r.status(), r.toString());
        }
        return out;
    }

    /** The open connections that /metrics counts. */
    static double connections(Http http) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^keyward_http_connections (\\S+)$")
                .matcher(http.get("/metrics").text());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static long p99(List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
    }

    private static void assertStillOpen(Socket s) throws IOException {
        s.setSoTimeout(1);
        try {
            int b = s.getInputStream().read();
            throw new AssertionError("the server answered or closed a slow client: " + b);
        } catch (SocketTimeoutException expected) {
            // still connected, still waiting
        }
    }
}
