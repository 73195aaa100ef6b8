package keyward.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import keyward.Poll;
import org.junit.jupiter.api.Test;

/** The engine under the JDK's API: the JDK's answer semantics, keep-alive, 100-continue and the connection caps. */
class WireServerTest {

    /** A server on port 0 whose one handler echoes the body; "/chunks" answers in chunks, "/empty" with -1. */
    private static WireServer start(WireOptions options) throws IOException {
        WireServer server = new WireServer(options);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", WireServerTest::echo);
        server.start();
        return server;
    }

    private static WireOptions options(int maxConnections, int maxPerClient) {
        return new WireOptions(maxConnections, maxPerClient, 2, 2000, 5000, 5000);
    }

    private static void echo(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(1 << 16);
        String path = ex.getRequestURI().getPath();
        if (path.equals("/empty")) {
            ex.sendResponseHeaders(204, -1);
        } else if (path.equals("/chunks")) {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("one,".getBytes(StandardCharsets.US_ASCII));
                out.write("two".getBytes(StandardCharsets.US_ASCII));
            }
        } else {
            byte[] answer = (ex.getRequestMethod() + " " + path + " " + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        }
        ex.close();
    }

    @Test
    void oneConnection_servesPipelinedRequests_andClosesAfterConnectionClose() throws Exception {
        WireServer server = start(options(16, 16));
        try (Socket s = connect(server)) {
            s.getOutputStream().write(("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
                    + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                    + "GET /chunks HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(5, all.split("HTTP/1.1 ", -1).length - 1, all);
            assertTrue(all.contains("Content-Length: 7\r\n\r\nGET /a "), all);
            assertTrue(all.contains("\r\n\r\nPOST /b xyz"), all);
            assertTrue(all.contains("\r\n\r\nPOST /c hi"), all);
            assertTrue(all.contains("Transfer-Encoding: chunked\r\n\r\n4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n"), all);
            assertTrue(all.endsWith("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"), all);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void headAndHttp10_getNoBodyOrAClose() throws Exception {
        WireServer server = start(options(16, 16));
        try {
            String head = exchange(server, "HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\n", head);
            String old = exchange(server, "GET /chunks HTTP/1.0\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\none,two", old);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void expect100Continue_isAnsweredBeforeTheBodyIsSent() throws Exception {
        WireServer server = start(options(16, 16));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x")).expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("a".repeat(5000))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("POST /x " + "a".repeat(5000), r.body());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void connectionsOverTheCaps_areAnswered503WithRetryAfter_untilOneCloses() throws Exception {
        for (WireOptions caps : List.of(options(3, 100), options(100, 3))) {
            WireServer server = start(caps);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(connect(server));
                }
                Poll.until("three connections are open", () -> server.connections() == 3);
                String refused = exchange(server, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
                assertTrue(refused.contains("Retry-After: 1\r\n") && refused.contains("Content-Type: application/json"),
                        refused);
                held.remove(0).close();
                Poll.until("a closed connection frees its place", () -> server.connections() == 2);
                assertTrue(exchange(server, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .startsWith("HTTP/1.1 200 OK"));
            } finally {
                for (Socket s : held) {
                    s.close();
                }
                server.stop(0);
            }
        }
    }

    @Test
    void anIdleConnection_isClosedAfterTheKeepAliveTimeout() throws Exception {
        WireServer server = start(new WireOptions(16, 16, 0, 2000, 5000, 300));
        try (Socket s = connect(server)) {
            s.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            byte[] all = in.readAllBytes(); // the answer, then the end once the connection idled for 300 ms
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(new String(all, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200 OK"));
            assertTrue(ms >= 250 && ms < 3000, "closed after " + ms + " ms");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anExecutorOrAnAuthenticator_isRefused_ratherThanIgnored() throws Exception {
        WireServer server = start(options(16, 16));
        try {
            assertThrows(IllegalArgumentException.class, () -> server.setExecutor(Runnable::run));
            assertThrows(UnsupportedOperationException.class, () -> server.createContext("/other").setAuthenticator(
                    new com.sun.net.httpserver.BasicAuthenticator("realm") {
                        @Override
                        public boolean checkCredentials(String user, String password) {
                            return true;
                        }
                    }));
        } finally {
            server.stop(0);
        }
    }

    private static Socket connect(WireServer server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    private static String exchange(WireServer server, String request) throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
