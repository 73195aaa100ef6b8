package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.Http;
import keyward.ManualClock;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rotation, min_decryption_version, revocation, scheduled destruction, patch and locate. */
class LifecycleApiTest {
    static final ManualClock clock = new ManualClock();
    static TestNode node;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(clock);
        http = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String newKey(String name) {
        Http.Res r = http.post("/v1/keys", Map.of("name", name, "algorithm", "aes-256-gcm", "tags", List.of("t1")));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }

    private static String encrypt(String ref, String text) {
        return http.post("/v1/keys/" + ref + "/encrypt", Map.of("plaintext", b64(text))).str("ciphertext");
    }

    @Test
    void ciphertextFromBeforeRotate_stillDecrypts_untilBelowMinDecryptionVersion() {
        newKey("rot");
        String v1 = encrypt("rot", "old");
        Http.Res rotated = http.post("/v1/keys/rot/rotate", Map.of());
        assertEquals(2L, rotated.json().get("primary_version"));
        String v2 = encrypt("rot", "new");
        assertTrue(v2.startsWith("kw:v2:"), v2);
        assertEquals(b64("old"), http.post("/v1/keys/rot/decrypt", Map.of("ciphertext", v1)).str("plaintext"));

        assertEquals(200, http.patch("/v1/keys/rot", Map.of("min_decryption_version", 2L)).status());
        Http.Res refused = http.post("/v1/keys/rot/decrypt", Map.of("ciphertext", v1));
        assertEquals(422, refused.status());
        assertEquals("decryption_failed", refused.errorCode());
        assertEquals(b64("new"), http.post("/v1/keys/rot/decrypt", Map.of("ciphertext", v2)).str("plaintext"));
        assertEquals(400, http.patch("/v1/keys/rot", Map.of("min_decryption_version", 3L)).status());
    }

    @Test
    void revokedKey_refusesEncrypt_andStillDecrypts() {
        newKey("rev");
        String ct = encrypt("rev", "data");
        Http.Res r = http.post("/v1/keys/rev/revoke", Map.of("reason", "superseded"));
        assertEquals("deactivated", r.str("state"));
        Http.Res enc = http.post("/v1/keys/rev/encrypt", Map.of("plaintext", b64("x")));
        assertEquals(422, enc.status());
        assertEquals("invalid_state", enc.errorCode());
        assertEquals(b64("data"), http.post("/v1/keys/rev/decrypt", Map.of("ciphertext", ct)).str("plaintext"));
        assertEquals("compromised", http.post("/v1/keys/rev/revoke", Map.of("reason", "compromised")).str("state"));
        // a later, milder revocation never lowers the state
        assertEquals("compromised", http.post("/v1/keys/rev/revoke", Map.of("reason", "retired")).str("state"));
        assertEquals(400, http.post("/v1/keys/rev/revoke", Map.of("reason", "bored")).status());
    }

    @Test
    void keyPastItsDestructionDate_isGone_andDecryptNamesItDestroyed() {
        newKey("doomed");
        String ct = encrypt("doomed", "bye");
        Http.Res d = http.delete("/v1/keys/doomed?pending_days=0");
        assertEquals(200, d.status(), d.toString());
        assertEquals("pending_destruction", d.str("state"));
        assertNotNull(d.json().get("destroy_at"));
        Poll.until("the jobs destroy the key", () -> "destroyed".equals(http.get("/v1/keys/doomed").str("state")));
        Http.Res dec = http.post("/v1/keys/doomed/decrypt", Map.of("ciphertext", ct));
        assertEquals(422, dec.status());
        assertTrue(dec.text().contains("destroyed"), dec.text());
        assertEquals(422, http.post("/v1/keys/doomed/export", Map.of()).status());
        assertEquals(422, http.post("/v1/keys/doomed/cancel-destroy", Map.of()).status());
    }

    @Test
    void cancelDestroy_restoresThePreviousState() {
        newKey("saved");
        http.post("/v1/keys/saved/revoke", Map.of("reason", "retired"));
        Http.Res d = http.delete("/v1/keys/saved?pending_days=3");
        assertEquals("pending_destruction", d.str("state"));
        Http.Res dec = http.post("/v1/keys/saved/encrypt", Map.of("plaintext", b64("x")));
        assertEquals(422, dec.status());
        Http.Res c = http.post("/v1/keys/saved/cancel-destroy", Map.of());
        assertEquals("deactivated", c.str("state"));
        assertEquals(null, c.json().get("destroy_at") instanceof String ? "set" : null);
    }

    @Test
    void patch_renamesRetagsAndSwitchesExportableOffButNeverOn() {
        newKey("patchme");
        Http.Res p = http.patch("/v1/keys/patchme", Map.of("name", "patched", "tags", List.of("a", "b"),
                "attributes", Map.of("team", "billing")));
        assertEquals(200, p.status(), p.toString());
        assertEquals("patched", p.str("name"));
        assertEquals(List.of("a", "b"), p.json().get("tags"));
        assertEquals(404, http.get("/v1/keys/patchme").status());
        assertEquals(400, http.patch("/v1/keys/patched", Map.of("exportable", true)).status());
        String id = http.post("/v1/keys", Map.of("algorithm", "aes-128-gcm", "exportable", true)).str("id");
        assertEquals(Boolean.FALSE, http.patch("/v1/keys/" + id, Map.of("exportable", false)).json().get("exportable"));
        assertEquals(400, http.patch("/v1/keys/" + id, Map.of("exportable", true)).status());
        assertEquals(422, http.post("/v1/keys/" + id + "/export", Map.of()).status());
        newKey("taken");
        assertEquals(409, http.patch("/v1/keys/patched", Map.of("name", "taken")).status());
        assertEquals(409, http.post("/v1/keys", Map.of("name", "taken", "algorithm", "aes-128-gcm")).status());
    }

    @Test
    void locate_filtersByTagsAndPagesWithACursor() {
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            made.add(http.post("/v1/keys", Map.of("algorithm", "hmac-sha256", "tags", List.of("page", i % 2 == 0 ? "even" : "odd")))
                    .str("id"));
        }
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            Http.Res r = http.get("/v1/keys?tag=page&limit=10" + (after == null ? "" : "&after=" + after));
            assertEquals(200, r.status(), r.toString());
            for (Object o : Http.asList(r.json().get("keys"))) {
                seen.add((String) Http.asMap(o).get("id"));
            }
            Object next = r.json().get("next");
            after = next instanceof String s ? s : null;
            pages++;
        } while (after != null && pages < 10);
        assertEquals(made, seen);
        assertEquals(3, pages);
        Http.Res both = http.get("/v1/keys?tag=page&tag=even&limit=100");
        assertEquals(13, Http.asList(both.json().get("keys")).size());
        assertEquals(400, http.get("/v1/keys?colour=red").status());
        assertEquals(400, http.get("/v1/keys?limit=0").status());
        assertEquals(400, http.get("/v1/keys?state=sleepy").status());
    }

    @Test
    void autoRotation_addsAVersionWhenThePeriodIsDue() {
        Http.Res r = http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm", "auto_rotate_period", 1L));
        String id = r.str("id");
        assertEquals(1L, http.get("/v1/keys/" + id).json().get("primary_version"));
        clock.advance(Duration.ofSeconds(1));
        Poll.until("the jobs rotate the key", () -> (Long) http.get("/v1/keys/" + id).json().get("primary_version") == 2);
    }
}
