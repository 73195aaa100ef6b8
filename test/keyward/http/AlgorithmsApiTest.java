package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.Http;
import keyward.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every algorithm: create, then each operation it supports round-trips and each it does not gives 422. */
class AlgorithmsApiTest {
    static TestNode node;
    static Http http;

    private static final List<String> ALL = List.of("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305",
            "hmac-sha256", "hmac-sha384", "hmac-sha512", "rsa-2048", "rsa-3072", "rsa-4096", "ec-p256",
            "ec-p384", "ec-p521", "ed25519", "secret");
    private static final String MSG = b64("attack at dawn");

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        http = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Set<String> supported(String alg) {
        if (alg.startsWith("aes") || alg.startsWith("chacha")) {
            return Set.of("encrypt", "decrypt", "rewrap", "datakey");
        }
        if (alg.startsWith("hmac")) {
            return Set.of("mac", "mac-verify");
        }
        if (alg.startsWith("rsa")) {
            return Set.of("encrypt", "decrypt", "rewrap", "datakey", "sign", "verify", "public");
        }
        if (alg.startsWith("ec") || alg.equals("ed25519")) {
            return Set.of("sign", "verify", "public");
        }
        return Set.of();
    }

    @Test
    void everyAlgorithm_roundTripsWhatItSupports_andRefusesTheRestWith422() {
        for (String alg : ALL) {
            Http.Res created = http.post("/v1/keys", Map.of("name", "k-" + alg, "algorithm", alg, "exportable", true));
            assertEquals(201, created.status(), alg + ": " + created);
            assertEquals(alg, created.str("algorithm"));
            String id = created.str("id");
            Set<String> ok = supported(alg);

            Http.Res enc = http.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", MSG, "aad", b64("ctx")));
            check(alg, "encrypt", ok, enc);
            if (ok.contains("encrypt")) {
                String ct = enc.str("ciphertext");
                assertTrue(ct.startsWith("kw:v1:"), ct);
                Http.Res dec = http.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct, "aad", b64("ctx")));
                assertEquals(MSG, dec.str("plaintext"), alg);
                Http.Res rw = http.post("/v1/keys/" + id + "/rewrap", Map.of("ciphertext", ct, "aad", b64("ctx")));
                assertEquals(200, rw.status(), alg + " rewrap " + rw);
                Http.Res dk = http.post("/v1/keys/" + id + "/datakey", Map.of("bits", 256L));
                assertEquals(200, dk.status(), alg + " datakey " + dk);
                Http.Res dkDec = http.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", dk.str("ciphertext")));
                assertEquals(dk.str("plaintext"), dkDec.str("plaintext"), alg);
            } else {
                check(alg, "datakey", ok, http.post("/v1/keys/" + id + "/datakey", Map.of()));
            }

            Http.Res sig = http.post("/v1/keys/" + id + "/sign", Map.of("message", MSG));
            check(alg, "sign", ok, sig);
            if (ok.contains("sign")) {
                Http.Res v = http.post("/v1/keys/" + id + "/verify", Map.of("message", MSG, "signature", sig.str("signature")));
                assertEquals(Boolean.TRUE, v.json().get("valid"), alg);
                Http.Res bad = http.post("/v1/keys/" + id + "/verify", Map.of("message", b64("other"), "signature", sig.str("signature")));
                assertEquals(Boolean.FALSE, bad.json().get("valid"), alg);
            }

            Http.Res mac = http.post("/v1/keys/" + id + "/mac", Map.of("message", MSG));
            check(alg, "mac", ok, mac);
            if (ok.contains("mac")) {
                Http.Res v = http.post("/v1/keys/" + id + "/mac-verify", Map.of("message", MSG, "mac", mac.str("mac")));
                assertEquals(Boolean.TRUE, v.json().get("valid"), alg);
                Http.Res bad = http.post("/v1/keys/" + id + "/mac-verify", Map.of("message", b64("x"), "mac", mac.str("mac")));
                assertEquals(Boolean.FALSE, bad.json().get("valid"), alg);
            }

            Http.Res pub = http.get("/v1/keys/" + id + "/public");
            check(alg, "public", ok, pub);
            if (ok.contains("public")) {
                assertTrue(pub.str("public_key").startsWith("-----BEGIN PUBLIC KEY-----"), alg);
            }

            Http.Res exp = http.post("/v1/keys/" + id + "/export", Map.of());
            assertEquals(200, exp.status(), alg + " export " + exp);
            assertTrue(Http.unb64(exp.str("material")).length > 0);
        }
    }

    private static void check(String alg, String op, Set<String> ok, Http.Res r) {
        if (ok.contains(op)) {
            assertEquals(200, r.status(), alg + " " + op + ": " + r);
        } else {
            assertEquals(422, r.status(), alg + " " + op + " should be refused: " + r);
            assertEquals("invalid_state", r.errorCode());
        }
    }

    @Test
    void secretKey_importedBytes_comeBackThroughExportOnly() {
        byte[] secret = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        Http.Res r = http.post("/v1/keys/import", Map.of("algorithm", "secret", "material", b64(secret), "exportable", true));
        assertEquals(201, r.status(), r.toString());
        Http.Res exp = http.post("/v1/keys/" + r.str("id") + "/export", Map.of());
        assertArrayEquals(secret, Http.unb64(exp.str("material")));
    }

    @Test
    void batchEncrypt_answersEveryItemInOrder_withPerItemErrors() {
        String id = http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
        Http.Res r = http.post("/v1/keys/" + id + "/encrypt", Map.of("batch", List.of(
                Map.of("plaintext", b64("one")), Map.of("plaintext", "not base64!"), Map.of("plaintext", b64("three")))));
        assertEquals(200, r.status(), r.toString());
        List<Object> items = Http.asList(r.json().get("batch"));
        assertEquals(3, items.size());
        assertTrue(Http.asMap(items.get(0)).containsKey("ciphertext"));
        assertEquals("invalid_request", Http.asMap(Http.asMap(items.get(1)).get("error")).get("code"));
        String third = (String) Http.asMap(items.get(2)).get("ciphertext");
        Http.Res dec = http.post("/v1/keys/" + id + "/decrypt", Map.of("batch", List.of(Map.of("ciphertext", third))));
        assertEquals(b64("three"), Http.asMap(Http.asList(dec.json().get("batch")).get(0)).get("plaintext"));
    }

    @Test
    void random_givesTheAskedNumberOfBytes() {
        Http.Res r = http.post("/v1/random", Map.of("bytes", 48L));
        assertEquals(48, Http.unb64(r.str("random")).length);
        assertEquals(400, http.post("/v1/random", Map.of("bytes", 0L)).status());
        assertEquals(400, http.post("/v1/random", Map.of("bytes", 1025L)).status());
    }
}
