package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets the status of api.md's table, never a 500, and changes nothing. */
class BadInputTest {
    static TestNode node;
    static Http http;
    static String keyId;
    static String metadataBefore;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start("--max-body-bytes=65536");
        http = node.admin();
        keyId = http.post("/v1/keys", Map.of("name", "target", "algorithm", "aes-256-gcm", "tags", List.of("x"))).str("id");
        metadataBefore = http.get("/v1/keys/target").text();
    }

    @AfterAll
    static void stop() {
        assertEquals(metadataBefore, http.get("/v1/keys/target").text(), "bad input changed the key");
        node.close();
    }

    private static Http.Res raw(String method, String path, String body) {
        return http.send(method, path, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static void expect(int status, String code, Http.Res r) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.text().contains("Exception"), "no stack traces in bodies: " + r);
    }

    @Test
    void brokenJson_unknownFields_wrongTypes_andBadBase64_are400() {
        for (String body : List.of("{", "{\"plaintext\":}", "[1,2]", "nul", "{\"plaintext\": \"aGk=\",}", "\"str\"")) {
            expect(400, "invalid_request", raw("POST", "/v1/keys/target/encrypt", body));
        }
        expect(400, "invalid_request", http.post("/v1/keys/target/encrypt", Map.of("plaintext", b64("a"), "colour", "red")));
        expect(400, "invalid_request", http.post("/v1/keys/target/encrypt", Map.of("plaintext", 42L)));
        expect(400, "invalid_request", http.post("/v1/keys/target/encrypt", Map.of("plaintext", "%%%not base64")));
        expect(400, "invalid_request", http.post("/v1/keys/target/encrypt", Map.of()));
        expect(400, "invalid_request", http.post("/v1/keys", Map.of("algorithm", "rot13")));
        expect(400, "invalid_request", http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm", "name", "bad name!")));
        expect(400, "invalid_request", http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm", "exportable", "yes")));
        expect(400, "invalid_request", http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm",
                "name", "123e4567-e89b-12d3-a456-426614174000")));
        expect(400, "invalid_request", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", "not-a-ciphertext")));
        expect(400, "invalid_request", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", "kw:v1:@@@")));
        expect(400, "invalid_request", raw("PATCH", "/v1/keys/target", "{\"tags\": \"notalist\"}"));
    }

    @Test
    void queryIntegers_takeOnlyAsciiDigitsInRange() {
        for (String bad : List.of("%D9%A1%D9%A0", "1e3", "", "+5", "0x10", "99999999999999", "1001", "0", "-1")) {
            expect(400, "invalid_request", http.get("/v1/audit?limit=" + bad));
        }
        Http.Res ok = http.get("/v1/audit?limit=10");
        assertEquals(200, ok.status());
    }

    @Test
    void oversizedBody_is413_andNonJson_is415() {
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'a');
        Http.Res r = http.send("POST", "/v1/keys/target/encrypt", big, "application/json");
        expect(413, "too_large", r);
        expect(415, "unsupported_media_type", http.send("POST", "/v1/keys/target/encrypt",
                "plaintext=aGk=".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded"));
    }

    @Test
    void tamperedCiphertext_everyByte_isDecryptionFailed_neverA500() {
        String ct = http.post("/v1/keys/target/encrypt", Map.of("plaintext", b64("secret data"), "aad", b64("ctx")))
                .str("ciphertext");
        String prefix = ct.substring(0, ct.lastIndexOf(':') + 1);
        byte[] blob = Base64.getDecoder().decode(ct.substring(prefix.length()));
        for (int i = 0; i < blob.length; i++) {
            byte[] t = blob.clone();
            t[i] ^= 0x01;
            Http.Res r = http.post("/v1/keys/target/decrypt", Map.of("ciphertext", prefix + b64(t), "aad", b64("ctx")));
            expect(422, "decryption_failed", r);
            assertEquals("decryption failed", Http.asMap(r.json().get("error")).get("message"));
        }
        for (int n = 0; n < blob.length; n += 3) {
            byte[] t = java.util.Arrays.copyOf(blob, n);
            expect(422, "decryption_failed", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", prefix + b64(t), "aad", b64("ctx"))));
        }
        expect(422, "decryption_failed", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", ct, "aad", b64("other"))));
        expect(422, "decryption_failed", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", ct)));
        assertEquals(b64("secret data"), http.post("/v1/keys/target/decrypt", Map.of("ciphertext", ct, "aad", b64("ctx"))).str("plaintext"));
    }

    @Test
    void ciphertextOfAnotherKey_failsToDecrypt() {
        String other = http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
        String ct = http.post("/v1/keys/" + other + "/encrypt", Map.of("plaintext", b64("x"))).str("ciphertext");
        expect(422, "decryption_failed", http.post("/v1/keys/target/decrypt", Map.of("ciphertext", ct)));
    }

    @Test
    void unknownKeys_missingOrWrongTokens_andAnotherUsersKey() {
        expect(404, "not_found", http.get("/v1/keys/nope"));
        expect(404, "not_found", http.post("/v1/keys/00000000-0000-4000-8000-000000000000/encrypt", Map.of("plaintext", b64("a"))));
        expect(401, "unauthenticated", http.as(null).get("/v1/keys/target"));
        expect(401, "unauthenticated", http.as("kw_wrong").get("/v1/keys/target"));
        expect(401, "unauthenticated", http.as("").get("/v1/whoami"));
        Http.Res malformed = http.send("GET", "/v1/whoami", null, null);
        assertEquals(200, malformed.status());
        String eve = node.newUser("eve");
        expect(404, "not_found", http.as(eve).get("/v1/keys/target"));
        expect(404, "not_found", http.as(eve).post("/v1/keys/target/encrypt", Map.of("plaintext", b64("a"))));
        expect(404, "not_found", http.as(eve).get("/v1/keys/" + keyId));
        expect(404, "not_found", http.get("/v1/no/such/endpoint"));
        Http.Res wrongMethod = http.send("PUT", "/v1/keys/target/encrypt", null, null);
        assertEquals(405, wrongMethod.status());
        assertTrue(wrongMethod.header("Allow").contains("POST"));
    }

    @Test
    void ciphertextPrefix_namingAVersionOtherThanItsKids_higherOrLower_isDecryptionFailed() {
        http.post("/v1/keys", Map.of("name", "prefixed", "algorithm", "aes-256-gcm"));
        String v1 = http.post("/v1/keys/prefixed/encrypt", Map.of("plaintext", b64("one"))).str("ciphertext");
        assertEquals(200, http.post("/v1/keys/prefixed/rotate", Map.of()).status());
        String body = v1.substring("kw:v1:".length());
        for (String forged : List.of("kw:v2:" + body, "kw:v9:" + body, "kw:v999999999:" + body)) {
            Http.Res r = http.post("/v1/keys/prefixed/decrypt", Map.of("ciphertext", forged));
            expect(422, "decryption_failed", r);
            assertTrue(r.text().contains("\"decryption failed\""), r.toString());
            expect(422, "decryption_failed", http.post("/v1/keys/prefixed/rewrap", Map.of("ciphertext", forged)));
        }
        assertEquals(200, http.post("/v1/keys/prefixed/decrypt", Map.of("ciphertext", v1)).status(), "the true prefix");

        String v2 = http.post("/v1/keys/prefixed/encrypt", Map.of("plaintext", b64("two"))).str("ciphertext");
        assertEquals(200, http.post("/v1/keys/prefixed/rotate", Map.of()).status());
        String body2 = v2.substring("kw:v2:".length());
        for (String forged : List.of("kw:v1:" + body2, "kw:v3:" + body2)) {
            Http.Res r = http.post("/v1/keys/prefixed/decrypt", Map.of("ciphertext", forged));
            expect(422, "decryption_failed", r);
            assertTrue(r.text().contains("\"decryption failed\""), r.toString());
            expect(422, "decryption_failed", http.post("/v1/keys/prefixed/rewrap", Map.of("ciphertext", forged)));
        }
        assertEquals(200, http.post("/v1/keys/prefixed/decrypt", Map.of("ciphertext", v2)).status(), "after a rotation");
        assertEquals(200, http.post("/v1/keys/prefixed/rewrap", Map.of("ciphertext", v2)).status());
    }

    @Test
    void attributeValuesWithControlCharacters_are400_namingTheAttribute() {
        for (String value : List.of("a\u0000b", "\u001b[31mred", "line\nbreak", "\u007f", "\u009b")) {
            Http.Res create = http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm", "attributes", Map.of("team", value)));
            expect(400, "invalid_request", create);
            assertTrue(create.text().contains("'team'"), create.toString());
            Http.Res patch = http.send("PATCH", "/v1/keys/target",
                    keyward.json.Json.writeBytes(Map.of("attributes", Map.of("owner-team", value))), "application/json");
            expect(400, "invalid_request", patch);
            assertTrue(patch.text().contains("'owner-team'"), patch.toString());
        }
        assertEquals(201, http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm",
                "attributes", Map.of("team", "caf\u00e9 \u2603 tab-free"))).status(), "printable Unicode is fine");
    }

    @Test
    void batchOfMoreThan1000Items_isRefused() {
        List<Object> items = new java.util.ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            items.add(Map.of("plaintext", "AA=="));
        }
        expect(400, "invalid_request", http.post("/v1/keys/target/encrypt", Map.of("batch", items)));
    }
}
