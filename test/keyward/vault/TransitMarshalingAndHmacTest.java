package keyward.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import keyward.Http;
import keyward.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transit's marshaling_algorithm (asn1, jws) for signatures and its hash choice for HMAC. */
class TransitMarshalingAndHmacTest {
    private static final String MSG = Http.b64("a message to sign");
    private static TestNode node;
    private static Http alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        alice = node.http(node.newUser("alice"));
        for (String t : new String[] {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "rsa-2048"}) {
            ok(alice.post("/v1/transit/keys/k-" + t, Map.of("type", t)));
        }
        ok(alice.post("/v1/transit/keys/mac", Map.of("type", "hmac", "exportable", true)));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void jwsSignature_isRAndS_atTheCurvesFixedSize_inUnpaddedBase64url_andVerifiesWithAnyP1363Verifier() throws Exception {
        Map<String, Integer> sizes = Map.of("ecdsa-p256", 64, "ecdsa-p384", 96, "ecdsa-p521", 132);
        Map<String, String> jca = Map.of("ecdsa-p256", "SHA256withECDSAinP1363Format",
                "ecdsa-p384", "SHA384withECDSAinP1363Format", "ecdsa-p521", "SHA512withECDSAinP1363Format");
        Map<String, String> hash = Map.of("ecdsa-p256", "sha2-256", "ecdsa-p384", "sha2-384", "ecdsa-p521", "sha2-512");
        for (String t : sizes.keySet()) {
            String sig = sign("k-" + t, "jws", hash.get(t));
            assertTrue(sig.startsWith("vault:v1:"), sig);
            String text = sig.substring("vault:v1:".length());
            assertFalse(text.contains("=") || text.contains("+") || text.contains("/"), t + " " + text);
            byte[] raw = Base64.getUrlDecoder().decode(text);
            assertEquals(sizes.get(t), raw.length, t);

            Signature v = Signature.getInstance(jca.get(t));
            v.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKey("k-" + t))));
            v.update(Base64.getDecoder().decode(MSG));
            assertTrue(v.verify(raw), t + ": the JDK reads r|s as the same signature");
            assertTrue(verify("k-" + t, sig, "jws", hash.get(t)).equals(true), t);
        }
    }

    @Test
    void asn1_staysTheDefault_andIsDer() {
        String sig = sign("k-ecdsa-p256", null, null);
        byte[] der = Base64.getDecoder().decode(sig.substring("vault:v1:".length()));
        assertEquals(0x30, der[0] & 0xff, "a DER SEQUENCE");
        assertEquals(true, verify("k-ecdsa-p256", sig, "asn1", null));
        assertEquals(true, verify("k-ecdsa-p256", sign("k-ecdsa-p256", "asn1", null), null, null));
    }

    @Test
    void verify_withTheOtherMarshaling_isRefusedOrInvalid_neverA500() {
        for (int i = 0; i < 5; i++) { // differing signatures hit both the 400 and the false path
            String jws = sign("k-ecdsa-p256", "jws", null);
            String asn1 = sign("k-ecdsa-p256", "asn1", null);
            assertRefusedOrInvalid(verifyRes("k-ecdsa-p256", jws, "asn1"));
            assertRefusedOrInvalid(verifyRes("k-ecdsa-p256", asn1, "jws"));
        }
    }

    @Test
    void jwsSignature_withAnyByteChanged_orTheWrongLength_isInvalid() {
        String sig = sign("k-ecdsa-p384", "jws", "sha2-384");
        byte[] raw = Base64.getUrlDecoder().decode(sig.substring("vault:v1:".length()));
        for (int i = 0; i < raw.length; i++) {
            byte[] bad = raw.clone();
            bad[i] ^= 1;
            assertEquals(false, verify("k-ecdsa-p384", jwsText(bad), "jws", "sha2-384"), "byte " + i);
        }
        assertEquals(false, verify("k-ecdsa-p384", jwsText(java.util.Arrays.copyOf(raw, raw.length - 1)), "jws",
                "sha2-384"));
    }

    @Test
    void jws_forEd25519AndRsa_changesOnlyTheBase64() {
        for (String k : new String[] {"k-ed25519", "k-rsa-2048"}) {
            String sig = sign(k, "jws", null);
            String text = sig.substring("vault:v1:".length());
            assertFalse(text.contains("="), text);
            assertEquals(k.equals("k-ed25519") ? 64 : 256, Base64.getUrlDecoder().decode(text).length, k);
            assertEquals(true, verify(k, sig, "jws", null), k);
        }
        String ed = sign("k-ed25519", "asn1", null);
        String edAsJws = "vault:v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                Base64.getDecoder().decode(ed.substring(9)));
        assertEquals(true, verify("k-ed25519", edAsJws, "jws", null), "the same bytes, base64url");
    }

    @Test
    void anUnknownMarshaling_isA400NamingTheAllowedOnes() {
        Http.Res r = alice.post("/v1/transit/sign/k-ecdsa-p256", Map.of("input", MSG, "marshaling_algorithm", "der"));
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.text().contains("asn1 or jws"), r.toString());
    }

    @Test
    void hmac_withEachSha2_isVaultPrefixedBase64OfTheRawHmac_ofTheKeysMaterial() throws Exception {
        byte[] key = Base64.getDecoder().decode((String) Http.asMap(Http.asMap(
                ok(alice.get("/v1/transit/export/hmac-key/mac")).json().get("data")).get("keys")).get("1"));
        Map<String, String> jca = Map.of("sha2-224", "HmacSHA224", "sha2-256", "HmacSHA256",
                "sha2-384", "HmacSHA384", "sha2-512", "HmacSHA512");
        for (var e : jca.entrySet()) {
            Mac m = Mac.getInstance(e.getValue());
            m.init(new SecretKeySpec(key, e.getValue()));
            String expected = "vault:v1:" + Base64.getEncoder().encodeToString(m.doFinal(Base64.getDecoder().decode(MSG)));
            String inPath = hmac("/v1/transit/hmac/mac/" + e.getKey(), Map.of("input", MSG));
            String inBody = hmac("/v1/transit/hmac/mac", Map.of("input", MSG, "algorithm", e.getKey()));
            assertEquals(expected, inPath, e.getKey());
            assertEquals(expected, inBody, e.getKey());

            Http.Res v = alice.post("/v1/transit/verify/mac/" + e.getKey(), Map.of("input", MSG, "hmac", inPath));
            assertEquals(true, data(v).get("valid"), e.getKey());
            Http.Res vb = alice.post("/v1/transit/verify/mac", Map.of("input", MSG, "hmac", inPath,
                    "algorithm", e.getKey()));
            assertEquals(true, data(vb).get("valid"), e.getKey());
        }
        assertEquals(hmac("/v1/transit/hmac/mac", Map.of("input", MSG)), hmac("/v1/transit/hmac/mac/sha2-256",
                Map.of("input", MSG)), "sha2-256 is the default");
    }

    @Test
    void hmacVerify_underAnotherHash_isInvalid() {
        String mac384 = hmac("/v1/transit/hmac/mac/sha2-384", Map.of("input", MSG));
        assertEquals(false, data(alice.post("/v1/transit/verify/mac/sha2-512", Map.of("input", MSG, "hmac", mac384)))
                .get("valid"));
        assertEquals(false, data(alice.post("/v1/transit/verify/mac", Map.of("input", MSG, "hmac", mac384)))
                .get("valid"), "the default sha2-256");
        assertNotEquals(mac384, hmac("/v1/transit/hmac/mac/sha2-512", Map.of("input", MSG)));
    }

    @Test
    void hmac_withAnUnservedHash_isA400NamingTheServedOnes() {
        for (String alg : new String[] {"sha3-256", "md5", "sha1"}) {
            Http.Res r = alice.post("/v1/transit/hmac/mac/" + alg, Map.of("input", MSG));
            assertEquals(400, r.status(), r.toString());
            assertTrue(r.text().contains("sha2-224, sha2-256, sha2-384 or sha2-512"), r.toString());
        }
    }

    // ---- helpers ----

    private static String sign(String key, String marshaling, String hash) {
        Map<String, Object> body = new HashMap<>();
        body.put("input", MSG);
        if (marshaling != null) {
            body.put("marshaling_algorithm", marshaling);
        }
        if (hash != null) {
            body.put("hash_algorithm", hash);
        }
        return (String) data(alice.post("/v1/transit/sign/" + key, body)).get("signature");
    }

    private static Object verify(String key, String signature, String marshaling, String hash) {
        Map<String, Object> body = new HashMap<>();
        body.put("input", MSG);
        body.put("signature", signature);
        if (marshaling != null) {
            body.put("marshaling_algorithm", marshaling);
        }
        if (hash != null) {
            body.put("hash_algorithm", hash);
        }
        return data(alice.post("/v1/transit/verify/" + key, body)).get("valid");
    }

    private static Http.Res verifyRes(String key, String signature, String marshaling) {
        return alice.post("/v1/transit/verify/" + key, Map.of("input", MSG, "signature", signature,
                "marshaling_algorithm", marshaling));
    }

    private static void assertRefusedOrInvalid(Http.Res r) {
        assertTrue(r.status() == 400 || r.status() == 200 && Boolean.FALSE.equals(Http.asMap(r.json().get("data"))
                .get("valid")), r.toString());
    }

    private static String jwsText(byte[] raw) {
        return "vault:v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static String hmac(String path, Map<String, Object> body) {
        return (String) data(alice.post(path, body)).get("hmac");
    }

    private static byte[] publicKey(String key) {
        Map<String, Object> versions = Http.asMap(data(alice.get("/v1/transit/keys/" + key)).get("keys"));
        String pem = (String) Http.asMap(versions.get("1")).get("public_key");
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static Map<String, Object> data(Http.Res r) {
        ok(r);
        return Http.asMap(r.json().get("data"));
    }

    private static Http.Res ok(Http.Res r) {
        assertTrue(r.status() == 200 || r.status() == 204, r.toString());
        return r;
    }
}
