package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import keyward.Http;
import org.junit.jupiter.api.Test;

/** KV v2 secrets and Transit keys (docs/vault.md) replicate between peers like any key. */
class VaultReplicationTest {
    @Test
    void kvSecrets_andTransitCiphertexts_writtenOnOneNode_areServedByTheOther() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            Http a = c.admin(0);
            Http b = c.admin(1);
            assertEquals(200, a.post("/v1/secret/data/app/db", Map.of("data", Map.of("pw", "one"))).status());
            Cluster.await("the secret on b", () -> b.get("/v1/secret/data/app/db").status() == 200);
            assertEquals("one", data(b.get("/v1/secret/data/app/db")).get("pw"));

            assertEquals(200, b.post("/v1/secret/data/app/db", Map.of("data", Map.of("pw", "two"))).status());
            Cluster.await("version 2 on a", () -> version(a.get("/v1/secret/data/app/db")) == 2);
            assertEquals("two", data(a.get("/v1/secret/data/app/db")).get("pw"));

            assertEquals(204, a.post("/v1/secret/destroy/app/db", Map.of("versions", List.of(1))).status());
            try {
                Cluster.await("version 1 destroyed on b", () -> b.get("/v1/secret/data/app/db?version=1").status() == 404);
            } catch (AssertionError e) {
                throw new AssertionError("a: " + c.nodes[0].store().findKeyByName("kv-secret-6170702f6462").orElseThrow().versions()
                        + " b: " + c.nodes[1].store().findKeyByName("kv-secret-6170702f6462").orElseThrow().versions()
                        + " a-read: " + a.get("/v1/secret/data/app/db?version=1"), e);
            }

            assertEquals(200, a.post("/v1/transit/keys/shared", Map.of()).status());
            String ct = (String) Http.asMap(a.post("/v1/transit/encrypt/shared", Map.of("plaintext", Http.b64("hi")))
                    .json().get("data")).get("ciphertext");
            Cluster.await("the transit key on b", () -> b.get("/v1/transit/keys/shared").status() == 200);
            Http.Res d = b.post("/v1/transit/decrypt/shared", Map.of("ciphertext", ct));
            assertEquals(Http.b64("hi"), Http.asMap(d.json().get("data")).get("plaintext"), d.toString());
            c.awaitConverged();
        }
    }

    private static Map<String, Object> data(Http.Res r) {
        assertEquals(200, r.status(), r.toString());
        return Http.asMap(Http.asMap(r.json().get("data")).get("data"));
    }

    private static long version(Http.Res r) {
        if (r.status() != 200) {
            return -1;
        }
        return (Long) Http.asMap(Http.asMap(r.json().get("data")).get("metadata")).get("version");
    }
}
