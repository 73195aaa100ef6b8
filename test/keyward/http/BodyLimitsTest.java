package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.json.Json;
import org.junit.jupiter.api.Test;

/** max_body_bytes is the one body limit: the JSON reader takes what it allows, and bounds the values in it. */
class BodyLimitsTest {
    private static final int FOUR_MIB = 4 << 20;

    @Test
    void maxBodyBytesOf4MiB_takesA2MiBPlaintext_andRefusesOneByteMoreThan4MiB() throws Exception {
        try (TestNode node = TestNode.start("--max-body-bytes=" + FOUR_MIB)) {
            Http http = node.admin();
            assertEquals(201, http.post("/v1/keys", Map.of("name", "big", "algorithm", "aes-256-gcm")).status());
            byte[] plaintext = new byte[2 << 20];
            new java.util.Random(7).nextBytes(plaintext);

            Http.Res sealed = http.post("/v1/keys/big/encrypt", Map.of("plaintext", b64(plaintext)));
            assertEquals(200, sealed.status(), () -> sealed.toString().substring(0, 200));
            String ct = (String) parse(sealed).get("ciphertext");
            Http.Res opened = http.post("/v1/keys/big/decrypt", Map.of("ciphertext", ct));
            assertEquals(200, opened.status());
            assertArrayEquals(plaintext, Http.unb64(parse(opened).get("plaintext")));

            // Without a length the body is read up to the limit, and one byte more is refused.
            HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(node.base() + "/v1/keys/big/encrypt"))
                    .header("Authorization", "Bearer " + node.adminToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                            " ".repeat(FOUR_MIB + 1).getBytes(StandardCharsets.US_ASCII))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), chunked.body());
            assertTrue(chunked.body().contains("larger than the limit of 4194304 bytes"), chunked.body());
            // A declared length over the limit is refused before a byte of the body is read.
            assertTrue(rawHeadersOnly(node, FOUR_MIB + 1).startsWith("HTTP/1.1 413 "));
        }
    }

    /** The answer to a POST that declares {@code length} bytes and sends none of them. */
    private static String rawHeadersOnly(TestNode node, int length) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.node.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("POST /v1/keys/big/encrypt HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + node.adminToken + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBodyOfMoreValuesThanTheLimit_is400NamingTheLimit() throws Exception {
        try (TestNode node = TestNode.start()) {
            Http http = node.admin();
            int limit = Json.Limits.forBody(1 << 20).maxValues();
            assertEquals(16_384, limit);
            // {"batch":[{},{},...]}: the outer object and the array are two values, each {} one more
            Http.Res many = http.send("POST", "/v1/keys/any/encrypt", batchOfEmptyObjects(limit - 1), "application/json");
            assertEquals(400, many.status());
            String message = (String) Http.asMap(many.json().get("error")).get("message");
            assertTrue(message.startsWith("JSON document holds more than 16384 values at offset "), message);

            Http.Res atTheLimit = http.send("POST", "/v1/keys/any/encrypt", batchOfEmptyObjects(limit - 2),
                    "application/json");
            assertEquals(400, atTheLimit.status()); // parsed; then refused as a batch of more than 1000 items
            assertTrue(((String) Http.asMap(atTheLimit.json().get("error")).get("message")).contains("1000 items"),
                    atTheLimit.toString());
        }
    }

    private static byte[] batchOfEmptyObjects(int n) {
        return ("{\"batch\":[" + "{},".repeat(n - 1) + "{}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** Responses here are larger than the test client's default JSON limits. */
    private static Map<String, Object> parse(Http.Res r) {
        return Http.asMap(Json.parse(r.raw(), Json.Limits.forBody(8 << 20)));
    }
}
