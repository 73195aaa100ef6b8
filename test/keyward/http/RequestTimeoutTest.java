package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * request_timeout_ms, applied by the API itself (no JVM-wide property): a client that stops in
 * the middle of its request is cut off after about the timeout, and meanwhile others are served.
 */
class RequestTimeoutTest {
    private static final int TIMEOUT_MS = 2000;

    @Test
    void clientsStalledInTheHeadersOrTheBody_areCutOffAfterTheTimeout_whileOthersAreServed() throws Exception {
        try (TestNode node = TestNode.start("--request-timeout-ms=" + TIMEOUT_MS)) {
            Http http = node.admin();
            assertEquals(201, http.post("/v1/keys", Map.of("name", "k", "algorithm", "aes-256-gcm")).status());
            try (Socket inHeaders = connect(node); Socket inBody = connect(node)) {
                long t0 = System.nanoTime();
                send(inHeaders, "GET /health HTTP/1.1\r\nHost: localhost\r\nAccept: applica");
                send(inBody, "POST /v1/keys/k/encrypt HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + node.adminToken + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"plain");

                assertEquals(200, http.get("/health").status());
                assertEquals(200, http.post("/v1/keys/k/encrypt", Map.of("plaintext", Http.b64("hi"))).status());
                long servedMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(servedMs < TIMEOUT_MS, "other requests waited " + servedMs + " ms");

                for (Socket stalled : new Socket[] {inHeaders, inBody}) {
                    awaitClosedByServer(stalled);
                    long cutMs = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(cutMs >= TIMEOUT_MS - 100 && cutMs < TIMEOUT_MS + 3000,
                            "cut off after " + cutMs + " ms, timeout " + TIMEOUT_MS + " ms");
                }
            }
            assertEquals(200, http.post("/v1/keys/k/encrypt", Map.of("plaintext", Http.b64("hi"))).status());
        }
    }

    @Test
    void aClientThatSendsItsRequestSlowlyButWithinTheTimeout_isAnswered() throws Exception {
        try (TestNode node = TestNode.start("--request-timeout-ms=" + TIMEOUT_MS);
             Socket s = connect(node)) {
            send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
            awaitQuiet(s, TIMEOUT_MS / 4);
            send(s, "Connection: close\r\n\r\n");
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void aClientStalledInTheTlsHandshake_isCutOffAfterTheTimeout(@TempDir Path dir) throws Exception {
        TlsPki pki = new TlsPki(dir);
        pki.ca("ca");
        pki.server("server", "ca", false);
        try (TestNode node = TestNode.start("--request-timeout-ms=" + TIMEOUT_MS,
                "--tls-cert-file=" + pki.file("server.pem"), "--tls-key-file=" + pki.file("server.key"));
             Socket s = connect(node)) {
            long t0 = System.nanoTime();
            // a TLS record header announcing a 512-byte handshake message, and 3 bytes of it
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
            awaitClosedByServer(s);
            long cutMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(cutMs >= TIMEOUT_MS - 100 && cutMs < TIMEOUT_MS + 3000, "cut off after " + cutMs + " ms");
        }
    }

    private static Socket connect(TestNode node) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), node.node.port());
        s.setSoTimeout(15_000); // the test fails rather than hangs if nobody cuts the client off
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads until the server closes the connection (end of stream or reset); fails on an answer or a timeout. */
    private static void awaitClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            int b = in.read();
            assertEquals(-1, b, "the stalled client got an answer instead of being cut off");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stalled client was not cut off within 15 s", e);
        } catch (SocketException reset) {
            // cut off with a reset: as good as a close
        }
    }

    /** Waits {@code millis} on the socket, which must stay open and silent meanwhile. */
    private static void awaitQuiet(Socket s, int millis) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout(millis);
        try {
            int b = s.getInputStream().read();
            throw new AssertionError("the server answered or closed early: " + b);
        } catch (SocketTimeoutException expected) {
            // still open, nothing said
        } finally {
            s.setSoTimeout(before);
        }
    }
}
