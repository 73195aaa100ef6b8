package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import keyward.Http;
import org.junit.jupiter.api.Test;

class ReplicationTest {

    private static String createKey(Http h, String name) {
        Http.Res r = h.post("/v1/keys", Map.of("name", name, "algorithm", "aes-256-gcm"));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }

    private static String encrypt(Http h, String ref, String text) {
        Http.Res r = h.post("/v1/keys/" + ref + "/encrypt", Map.of("plaintext", Http.b64(text)));
        assertEquals(200, r.status(), r.toString());
        return r.str("ciphertext");
    }

    private static String decrypt(Http h, String ref, String ciphertext) {
        Http.Res r = h.post("/v1/keys/" + ref + "/decrypt", Map.of("ciphertext", ciphertext));
        return r.status() == 200 ? new String(Http.unb64(r.json().get("plaintext")), java.nio.charset.StandardCharsets.UTF_8)
                : "HTTP " + r.status();
    }

    @Test
    void twoNodes_writesOnBoth_converge() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String a = createKey(c.admin(0), "made-on-a");
            String b = createKey(c.admin(1), "made-on-b");
            Cluster.await("keys on both", () -> c.admin(1).get("/v1/keys/" + a).status() == 200
                    && c.admin(0).get("/v1/keys/" + b).status() == 200);
            String ct = encrypt(c.admin(0), a, "hello");
            assertEquals("hello", decrypt(c.admin(1), a, ct));
            String user = c.admin(1).post("/v1/users", Map.of("name", "carol")).str("token");
            c.awaitTokenOf(0, "carol");
            assertEquals(200, c.admin(0).as(user).get("/v1/keys").status(), "a user made on b authenticates on a");
            Cluster.await("identical", () -> Snapshot.of(c.nodes[0]).equals(Snapshot.of(c.nodes[1])));
            Map<String, Object> status = c.admin(0).get("/v1/replication/status").json();
            List<Object> partners = Http.asList(status.get("partners"));
            assertEquals(1, partners.size());
            assertTrue(c.admin(0).as(user).get("/v1/replication/status").status() == 403);
        }
    }

    @Test
    void userDeletion_andKeyDestruction_onOneNode_takeEffectOnTheOther() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String token = c.admin(0).post("/v1/users", Map.of("name", "erin")).str("token");
            String id = createKey(c.admin(0), "doomed");
            c.awaitTokenOf(1, "erin");
            Cluster.await("the key on b", () -> c.admin(1).get("/v1/keys/" + id).status() == 200);
            assertEquals(200, c.admin(1).as(token).get("/v1/keys").status(), "erin authenticates on b");
            Http.Res userGone = c.admin(1).delete("/v1/users/erin");
            assertEquals(204, userGone.status(), userGone.toString());
            Http.Res keyGone = c.admin(1).delete("/v1/keys/" + id + "?pending_days=0");
            assertEquals(200, keyGone.status(), keyGone.toString());
            Cluster.await("erin's token refused on a", () -> c.admin(0).as(token).get("/v1/keys").status() == 401);
            Cluster.await("key destroyed on a, material gone", () -> {
                var k = c.nodes[0].store().findKey(id).orElseThrow();
                return k.state() == keyward.store.KeyState.DESTROYED && k.versions().stream().allMatch(keyward.store.KeyVersion::destroyed);
            });
            c.awaitConverged();
        }
    }
}
