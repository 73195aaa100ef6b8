package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writes on two partitioned nodes, then heal: what survives the merge. The nodes share
 * a clock the test moves, past the key cache's staleness bound and between writes that must be
 * ordered.
 */
class MergeScenariosTest {
    private static final Duration CACHE_TTL = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();

    static String createKey(Http h, String name) {
        Http.Res r = h.post("/v1/keys", Map.of("name", name, "algorithm", "aes-256-gcm"));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }

    static String encrypt(Http h, String ref, String text) {
        Http.Res r = h.post("/v1/keys/" + ref + "/encrypt", Map.of("plaintext", Http.b64(text)));
        assertEquals(200, r.status(), r.toString());
        return r.str("ciphertext");
    }

    static String decrypt(Http h, String ref, String ciphertext) {
        Http.Res r = h.post("/v1/keys/" + ref + "/decrypt", Map.of("ciphertext", ciphertext));
        return r.status() == 200 ? new String(Http.unb64(r.json().get("plaintext")), StandardCharsets.UTF_8)
                : "HTTP " + r.status();
    }

    @Test
    void concurrentRotation_onTwoPartitionedNodes_keepsBothVersionsAndEveryCiphertextDecrypts() throws Exception {
        try (Cluster c = new Cluster(2).on(clock).startAll()) {
            c.awaitJoined();
            String id = createKey(c.admin(0), "rotated");
            Cluster.await("key on b", () -> c.admin(1).get("/v1/keys/" + id).status() == 200);
            List<String> cts = new ArrayList<>();
            cts.add(encrypt(c.admin(0), id, "v1"));
            c.partition();
            assertEquals(200, c.admin(0).post("/v1/keys/" + id + "/rotate", Map.of()).status());
            assertEquals(200, c.admin(1).post("/v1/keys/" + id + "/rotate", Map.of()).status());
            clock.advance(CACHE_TTL);
            cts.add(encrypt(c.admin(0), id, "rotated on a"));
            cts.add(encrypt(c.admin(1), id, "rotated on b"));
            c.heal();
            c.awaitConverged();
            clock.advance(CACHE_TTL);
            Map<String, Object> meta = c.admin(0).get("/v1/keys/" + id).json();
            assertEquals(3, Http.asList(meta.get("versions")).size());
            assertEquals(3L, meta.get("primary_version"));
            assertTrue(cts.get(1).startsWith("kw:v2:") && cts.get(2).startsWith("kw:v2:"), "one of them is now v3");
            String v1Body = cts.get(0).substring("kw:v1:".length());
            for (int n = 0; n < 2; n++) {
                assertEquals("v1", decrypt(c.admin(n), id, cts.get(0)));
                assertEquals("rotated on a", decrypt(c.admin(n), id, cts.get(1)));
                assertEquals("rotated on b", decrypt(c.admin(n), id, cts.get(2)));
                assertEquals("HTTP 422", decrypt(c.admin(n), id, "kw:v3:" + v1Body), "a forged prefix on v1");
                assertEquals("HTTP 422", decrypt(c.admin(n), id, "kw:v2:" + v1Body), "a forged prefix on v1");
                // the version renumbered to 3 decrypts under the number it was issued with and its number
                // now; the one that stayed 2 only under 2; neither under 1 or 4
                List<List<Integer>> accepted = new ArrayList<>();
                for (String ct : cts.subList(1, 3)) {
                    String body = ct.substring("kw:v2:".length());
                    List<Integer> fits = new ArrayList<>();
                    for (int p = 1; p <= 4; p++) {
                        if (!decrypt(c.admin(n), id, "kw:v" + p + ":" + body).startsWith("HTTP ")) {
                            fits.add(p);
                        }
                    }
                    accepted.add(fits);
                }
                assertTrue(accepted.contains(List.of(2)) && accepted.contains(List.of(2, 3)), accepted.toString());
            }
            String after = encrypt(c.admin(1), id, "after the merge");
            assertTrue(after.startsWith("kw:v3:"), after);
            assertEquals("after the merge", decrypt(c.admin(0), id, after));
            assertEquals("HTTP 422", decrypt(c.admin(0), id, "kw:v1:" + after.substring(6)), "a forged lower prefix");
        }
    }

    @Test
    void revocation_racingALaterUpdate_winsAndTheUpdateIsKept() throws Exception {
        try (Cluster c = new Cluster(2).on(clock).startAll()) {
            c.awaitJoined();
            String id = createKey(c.admin(0), "raced");
            Cluster.await("key on b", () -> c.admin(1).get("/v1/keys/" + id).status() == 200);
            c.partition();
            assertEquals(200, c.admin(0).post("/v1/keys/" + id + "/revoke", Map.of("reason", "compromised")).status());
            clock.advanceMillis(5);  // the later write has the later change id
            assertEquals(200, c.admin(1).patch("/v1/keys/" + id, Map.of("tags", List.of("later"))).status());
            c.heal();
            c.awaitConverged();
            clock.advance(CACHE_TTL);
            for (int n = 0; n < 2; n++) {
                Map<String, Object> meta = c.admin(n).get("/v1/keys/" + id).json();
                assertEquals("compromised", meta.get("state"));
                assertEquals(List.of("later"), meta.get("tags"));
                assertEquals(422, c.admin(n).post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("x"))).status());
            }
        }
    }

    @Test
    void partition_withWritesOnBothSides_healsAndConverges_andANameTakenTwiceGetsASuffix() throws Exception {
        try (Cluster c = new Cluster(2).on(clock).startAll()) {
            c.awaitJoined();
            c.partition();
            String first = createKey(c.admin(0), "same");
            clock.advanceMillis(5);  // the later write has the later change id
            String later = createKey(c.admin(1), "same");
            createKey(c.admin(0), "only-a");
            c.admin(1).post("/v1/users", Map.of("name", "dave"));
            int polls = c.proxies.get(0).accepted();
            Cluster.await("b polls a twice more", () -> c.proxies.get(0).accepted() >= polls + 2);
            assertEquals(404, c.admin(1).get("/v1/keys/only-a").status(), "nothing crosses the partition");
            c.heal();
            c.awaitConverged();
            clock.advance(CACHE_TTL);
            for (int n = 0; n < 2; n++) {
                assertEquals("same", c.admin(n).get("/v1/keys/" + first).str("name"));
                String renamed = c.admin(n).get("/v1/keys/" + later).str("name");
                assertNotEquals("same", renamed);
                assertTrue(renamed.startsWith("same-"), renamed);
                assertEquals(200, c.admin(n).get("/v1/keys/only-a").status());
            }
            boolean recorded = false;
            for (int n = 0; n < 2; n++) {
                recorded |= !Http.asList(c.admin(n).get("/v1/replication/status").json().get("name_conflicts")).isEmpty();
            }
            assertTrue(recorded, "the conflict is shown by the status API");
            Cluster.await("the conflict is in an audit log", () -> {
                for (int n = 0; n < 2; n++) {
                    if (c.admin(n).get("/v1/audit?key=" + later).text().contains("replication.name_conflict")) {
                        return true;
                    }
                }
                return false;
            });
        }
    }
}
