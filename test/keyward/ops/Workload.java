package keyward.ops;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;

/**
 * A small deployment made through the API: keys of several kinds and states, ciphertexts under
 * old and new versions, a signature, a user with a grant. {@link #checkAll} proves, through a
 * server, that all of it still works.
 */
final class Workload {
    private record Sealed(String key, String plaintext, String ciphertext) {
    }

    private final List<Sealed> sealed = new ArrayList<>();
    private String signature;
    private String bobToken;

    static Workload run(TestNode node) {
        Workload w = new Workload();
        Http h = node.admin();
        created(h.post("/v1/keys", Map.of("name", "pay", "algorithm", "aes-256-gcm", "tags", List.of("pci"),
                "attributes", Map.of("team", "billing"))));
        w.seal(h, "pay", "first");
        ok(h.post("/v1/keys/pay/rotate", Map.of()));
        w.seal(h, "pay", "second");
        created(h.post("/v1/keys", Map.of("name", "chacha", "algorithm", "chacha20-poly1305")));
        w.seal(h, "chacha", "third");
        created(h.post("/v1/keys", Map.of("name", "old", "algorithm", "aes-256-gcm")));
        w.seal(h, "old", "retired but readable");
        ok(h.post("/v1/keys/old/revoke", Map.of("reason", "retired")));
        created(h.post("/v1/keys", Map.of("name", "sig", "algorithm", "ec-p256")));
        w.signature = ok(h.post("/v1/keys/sig/sign", Map.of("message", b64("signed")))).str("signature");
        created(h.post("/v1/keys", Map.of("name", "gone", "algorithm", "aes-256-gcm")));
        ok(h.delete("/v1/keys/gone"));
        w.bobToken = node.newUser("bob");
        ok(h.put("/v1/keys/pay/grants/bob", Map.of("operations", List.of("decrypt"))));
        return w;
    }

    /** Every ciphertext decrypts, the signature verifies, bob authenticates and uses his grant. */
    void checkAll(TestNode node) {
        Http h = node.admin();
        for (Sealed s : sealed) {
            Http.Res r = h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ciphertext));
            assertEquals(b64(s.plaintext), ok(r).str("plaintext"), "decrypt under " + s.key);
        }
        Http.Res v = h.post("/v1/keys/sig/verify", Map.of("message", b64("signed"), "signature", signature));
        assertEquals(Boolean.TRUE, ok(v).json().get("valid"));
        assertEquals("pending_destruction", ok(h.get("/v1/keys/gone")).str("state"));
        assertEquals("deactivated", ok(h.get("/v1/keys/old")).str("state"));
        Http bob = node.http(bobToken);
        assertEquals("bob", ok(bob.get("/v1/whoami")).str("user"));
        Sealed first = sealed.get(0);
        assertEquals(b64(first.plaintext),
                ok(bob.post("/v1/keys/pay/decrypt", Map.of("ciphertext", first.ciphertext))).str("plaintext"));
    }

    private void seal(Http h, String key, String plaintext) {
        String ct = ok(h.post("/v1/keys/" + key + "/encrypt", Map.of("plaintext", b64(plaintext)))).str("ciphertext");
        sealed.add(new Sealed(key, plaintext, ct));
    }

    private static Http.Res ok(Http.Res r) {
        if (r.status() != 200) {
            throw new AssertionError("expected 200, got " + r);
        }
        return r;
    }

    private static void created(Http.Res r) {
        if (r.status() != 201) {
            throw new AssertionError("expected 201, got " + r);
        }
    }
}
