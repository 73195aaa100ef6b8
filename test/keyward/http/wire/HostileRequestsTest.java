package keyward.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.json.Json;
import keyward.log.Log;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile HTTP over raw sockets: every one is answered with a JSON 4xx (Vault's
 * shape on Vault's routes) or the connection is closed cleanly; never a 5xx, never an ERROR in
 * the log, never a wait past the header deadline; and the server serves normally afterwards.
 */
class HostileRequestsTest {
    private static final int HEADER_TIMEOUT_MS = 1000;
    /** Any 4xx, or a close without an answer: for requests the client itself cut short. */
    private static final int FOUR_XX_OR_CLOSE = -1;
    private static final String H = "Host: x\r\n";
    private static final String ENCRYPT = "POST /v1/keys/k/encrypt HTTP/1.1\r\n" + H + "Content-Type: application/json\r\n";
    private static final String CHUNKED = ENCRYPT + "Transfer-Encoding: chunked\r\n\r\n";

    /** One input: its answer's status, whether the server must close after it, whether the client half-closes. */
    private record Case(String name, String request, int status, boolean mustClose, boolean halfClose) {
    }

    private final List<Case> cases = new ArrayList<>();

    /** The engine refuses the head or body framing: this status, then the connection closes. */
    private void refused(String name, String request, int status) {
        cases.add(new Case(name, request, status, true, false));
    }

    /** Well-framed, answered by the API with this status. */
    private void answered(String name, String request, int status) {
        cases.add(new Case(name, request, status, false, false));
    }

    /** Cut short by the client (which half-closes): a 4xx or a clean close. */
    private void cutShort(String name, String request) {
        cases.add(new Case(name, request, FOUR_XX_OR_CLOSE, true, true));
    }

    @Test
    void malformedAndHostileRequests_getAJson4xxOrACleanClose_neverA5xxOrAnErrorLog() throws Exception {
        requestLines();
        headers();
        lengthsAndEncodings();
        chunkedBodies();
        smuggling();
        assertTrue(cases.size() >= 60, "cases: " + cases.size());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestNode node = TestNode.start("--header-timeout-ms=" + HEADER_TIMEOUT_MS, "--max-body-bytes=4096")) {
            assertEquals(201, node.admin().post("/v1/keys", Map.of("name", "k", "algorithm", "aes-256-gcm")).status());
            Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
            List<String> failures = new ArrayList<>();
            try {
                for (Case c : cases) {
                    String failure = check(node, c);
                    if (failure != null) {
                        failures.add(c.name() + ": " + failure);
                    }
                }
                Log.flush();
            } finally {
                Log.setOutput(System.out);
            }
            assertEquals(List.of(), failures);
            assertFalse(log.toString(StandardCharsets.UTF_8).contains(" ERROR "), log.toString(StandardCharsets.UTF_8));

            Http http = node.admin();
            assertEquals(200, http.get("/health").status());
            assertEquals(200, http.post("/v1/keys/k/encrypt", Map.of("plaintext", Http.b64("still served"))).status());
        }
    }

    @Test
    void onVaultRoutes_refusalsHaveVaultsErrorShape() throws Exception {
        try (TestNode node = TestNode.start("--header-timeout-ms=" + HEADER_TIMEOUT_MS)) {
            for (String request : List.of(
                    "GET /v1/secret/data/x HTTP/1.1\r\n" + H + "X : y\r\n\r\n",
                    "POST /v1/secret/data/x HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                    "POST /v1/secret/data/x HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n")) {
                RawExchange r = RawExchange.send(node.node.port(), ascii(request), false, 5000);
                assertEquals(400, r.status, request + " -> " + r);
                Object errors = Http.asMap(Json.parse(r.body, Json.Limits.forBody(1 << 16))).get("errors");
                assertTrue(errors instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String, r.toString());
            }
        }
    }

    @Test
    void aHeadThatStopsHalfway_isClosedAtTheHeaderDeadline() throws Exception {
        try (TestNode node = TestNode.start("--header-timeout-ms=" + HEADER_TIMEOUT_MS)) {
            RawExchange r = RawExchange.send(node.node.port(), ascii("GET /health HTTP/1.1\r\n" + H), false, 10_000);
            assertEquals(0, r.status, r.toString());
            assertTrue(r.millis >= HEADER_TIMEOUT_MS - 100 && r.millis < HEADER_TIMEOUT_MS + 1000, r.millis + " ms");
        }
    }

    private static String check(TestNode node, Case c) throws Exception {
        RawExchange r = RawExchange.send(node.node.port(), c.request().getBytes(StandardCharsets.ISO_8859_1),
                c.halfClose(), HEADER_TIMEOUT_MS + 3000);
        if (r.millis > HEADER_TIMEOUT_MS + 1000) {
            return "took " + r.millis + " ms";
        }
        if (r.status == 0) {
            return c.status() == FOUR_XX_OR_CLOSE ? null : "closed without an answer, expected " + c.status();
        }
        if (c.status() == FOUR_XX_OR_CLOSE ? r.status < 400 || r.status > 499 : r.status != c.status()) {
            return "answered " + r;
        }
        if (c.mustClose() && !r.closed) {
            return "the connection stayed open after " + r.status;
        }
        if (r.status < 400) {
            return null;
        }
        if (!r.head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json")) {
            return "not JSON: " + r;
        }
        Object json = Json.parse(r.body, Json.Limits.forBody(1 << 16));
        if (!(json instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e && e.get("message") instanceof String)) {
            return "not our error shape: " + r;
        }
        return null;
    }

    private void requestLines() {
        refused("no target or version", "GET\r\n\r\n", 400);
        refused("HTTP/0.9 style", "GET /health\r\n\r\n", 400);
        refused("HTTP/9.9", "GET /health HTTP/9.9\r\n" + H + "\r\n", 400);
        refused("HTTP/2.0", "GET /health HTTP/2.0\r\n" + H + "\r\n", 400);
        refused("lower-case version", "GET /health http/1.1\r\n" + H + "\r\n", 400);
        refused("version without minor", "GET /health HTTP/1\r\n" + H + "\r\n", 400);
        refused("a fourth word", "GET /health HTTP/1.1 more\r\n" + H + "\r\n", 400);
        refused("two spaces", "GET  /health HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("tab as separator", "GET\t/health HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("absolute-form", "GET http://x/health HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("authority-form", "CONNECT x:443 HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("asterisk-form", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("bad method", "G(T /health HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("NUL in the target", "GET /hea\0lth HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("bad percent-encoding", "GET /v1/keys/%zz HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("truncated percent-encoding", "GET /v1/keys/k%4 HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("percent at the end", "GET /health% HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("bad percent-encoding in the query", "GET /health?x=%G1 HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("raw non-ASCII byte in the target", "GET /\u00e9 HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("a character URIs forbid", "GET /a{b} HTTP/1.1\r\n" + H + "\r\n", 400);
        refused("request line over 8 KiB", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + H + "\r\n", 414);
        refused("bare LF after the request line", "GET /health HTTP/1.1\n" + H + "\r\n", 400);
        refused("bare LF everywhere", "GET /health HTTP/1.1\nHost: x\n\n", 400);
        refused("CR without LF", "GET /health HTTP/1.1\rHost: x\r\n\r\n", 400);
        refused("TLS ClientHello on the plain port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n", 400);
        refused("binary garbage", "\u00ff\u00fe\u0000\u0001\r\n\r\n", 400);
        answered("HTTP/1.0 without Host is fine", "GET /health HTTP/1.0\r\n\r\n", 200);
        answered("unknown method", "BREW /health HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n", 405);
        cutShort("half a request line", "GET /hea");
        cutShort("nothing at all", "");
        cutShort("head without its end", "GET /health HTTP/1.1\r\n" + H);
    }

    private void headers() {
        refused("HTTP/1.1 without Host", "GET /health HTTP/1.1\r\n\r\n", 400);
        refused("two Host headers", "GET /health HTTP/1.1\r\n" + H + "Host: y\r\n\r\n", 400);
        refused("obs-fold", "GET /health HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n", 400);
        refused("space before the colon", "GET /health HTTP/1.1\r\nHost : x\r\n\r\n", 400);
        refused("no colon", "GET /health HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n", 400);
        refused("empty header name", "GET /health HTTP/1.1\r\n" + H + ": x\r\n\r\n", 400);
        refused("bad header name", "GET /health HTTP/1.1\r\n" + H + "X@Y: 1\r\n\r\n", 400);
        refused("NUL in a header value", "GET /health HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n", 400);
        refused("DEL in a header value", "GET /health HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n", 400);
        refused("vertical tab in a header value", "GET /health HTTP/1.1\r\n" + H + "X-A: a\u000bb\r\n\r\n", 400);
        refused("bare LF in a header", "GET /health HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n", 400);
        refused("bare LF ending the head", "GET /health HTTP/1.1\r\n" + H + "\n", 400);
        refused("header line over 8 KiB", "GET /health HTTP/1.1\r\n" + H + "X-A: " + "a".repeat(9000) + "\r\n\r\n", 431);
        refused("101 headers", "GET /health HTTP/1.1\r\n" + H + "X-A: 1\r\n".repeat(100) + "\r\n", 431);
        refused("head over 32 KiB", "GET /health HTTP/1.1\r\n" + H + ("X-A: " + "a".repeat(4000) + "\r\n").repeat(9) + "\r\n",
                431);
        refused("Expect other than 100-continue", "GET /health HTTP/1.1\r\n" + H + "Expect: 200-ok\r\n\r\n", 417);
        refused("Expect on HTTP/1.0", "GET /health HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", 417);
    }

    private void lengthsAndEncodings() {
        refused("Content-Length not a number", ENCRYPT + "Content-Length: abc\r\n\r\n", 400);
        refused("negative Content-Length", ENCRYPT + "Content-Length: -1\r\n\r\n", 400);
        refused("Content-Length with a plus", ENCRYPT + "Content-Length: +2\r\n\r\n{}", 400);
        refused("Content-Length in hex", ENCRYPT + "Content-Length: 0x2\r\n\r\n{}", 400);
        refused("Content-Length of two numbers", ENCRYPT + "Content-Length: 1 2\r\n\r\n{}", 400);
        refused("Content-Length list that disagrees", ENCRYPT + "Content-Length: 2, 3\r\n\r\n{}", 400);
        refused("two Content-Lengths that disagree", ENCRYPT + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400);
        refused("empty Content-Length", ENCRYPT + "Content-Length: \r\n\r\n{}", 400);
        refused("20-digit Content-Length", ENCRYPT + "Content-Length: 99999999999999999999\r\n\r\n{}", 400);
        answered("two Content-Lengths that agree", ENCRYPT + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 401);
        refused("declared length over max_body_bytes", ENCRYPT + "Content-Length: 5000\r\n\r\n", 413);
        refused("Transfer-Encoding gzip", ENCRYPT + "Transfer-Encoding: gzip\r\n\r\n", 400);
        refused("Transfer-Encoding gzip, chunked", ENCRYPT + "Transfer-Encoding: gzip, chunked\r\n\r\n", 400);
        refused("Transfer-Encoding chunked twice", ENCRYPT + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400);
        refused("two Transfer-Encoding headers", ENCRYPT + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
                400);
        refused("Transfer-Encoding xchunked", ENCRYPT + "Transfer-Encoding: xchunked\r\n\r\n", 400);
        refused("Transfer-Encoding on HTTP/1.0", "POST /v1/keys/k/encrypt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400);
        answered("Transfer-Encoding in another case", ENCRYPT + "Transfer-Encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 401);
        cutShort("body shorter than its length", ENCRYPT + "Content-Length: 10\r\n\r\n{\"a");
        answered("Expect: 100-continue", ENCRYPT + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}", 401);
    }

    private void chunkedBodies() {
        refused("chunk size not hex", CHUNKED + "zz\r\n{}\r\n0\r\n\r\n", 400);
        refused("chunk size of 12 hex digits", CHUNKED + "FFFFFFFFFFFF\r\n", 400);
        refused("chunk size over 2 GiB", CHUNKED + "FFFFFFFF\r\n", 400);
        refused("negative chunk size", CHUNKED + "-2\r\n{}\r\n0\r\n\r\n", 400);
        refused("chunk size with a sign", CHUNKED + "+2\r\n{}\r\n0\r\n\r\n", 400);
        refused("empty chunk size line", CHUNKED + "\r\n{}\r\n0\r\n\r\n", 400);
        refused("chunk data without its CRLF", CHUNKED + "2\r\n{}XX0\r\n\r\n", 400);
        refused("chunk data longer than its size", CHUNKED + "1\r\n{}\r\n0\r\n\r\n", 400);
        refused("bare LF after a chunk size", CHUNKED + "2\n{}\r\n0\r\n\r\n", 400);
        refused("bare LF after chunk data", CHUNKED + "2\r\n{}\n0\r\n\r\n", 400);
        refused("NUL in a chunk extension", CHUNKED + "2;a=\0\r\n{}\r\n0\r\n\r\n", 400);
        refused("too many trailers", CHUNKED + "2\r\n{}\r\n0\r\n" + "X-T: 1\r\n".repeat(40) + "\r\n", 400);
        refused("bare LF in a trailer", CHUNKED + "2\r\n{}\r\n0\r\nX-T: 1\n\r\n", 400);
        refused("chunked body over max_body_bytes", CHUNKED + "1400\r\n" + " ".repeat(0x1400) + "\r\n0\r\n\r\n", 413);
        answered("chunk extensions and a trailer", CHUNKED + "2;name=value\r\n{}\r\n0\r\nX-T: 1\r\n\r\n", 401);
        cutShort("no last chunk", CHUNKED + "2\r\n{}\r\n");
        cutShort("chunk data cut short", CHUNKED + "10\r\n{}");
        cutShort("last chunk without the final CRLF", CHUNKED + "2\r\n{}\r\n0\r\n");
    }

    private void smuggling() {
        refused("CL.TE", ENCRYPT + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\n" + H
                + "\r\n", 400);
        refused("TE.CL", ENCRYPT + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n",
                400);
        refused("TE with a tab before the colon", ENCRYPT + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n", 400);
        refused("TE behind obs-fold", ENCRYPT + "X-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        refused("Content-Length behind a space", ENCRYPT + "Content-Length : 2\r\n\r\n{}", 400);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
