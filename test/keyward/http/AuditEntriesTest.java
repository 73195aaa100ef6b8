package keyward.http;

import static keyward.Http.asList;
import static keyward.Http.asMap;
import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit says what happened: per-item batch outcomes, keys by id, the key a create made. */
class AuditEntriesTest {
    static TestNode node;
    static Http admin;
    static Http alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        admin = node.admin();
        alice = node.http(node.newUser("alice"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** The entries of {@code operation} for {@code key} (as typed into the filter), once {@code count} are stored. */
    private static List<Map<String, Object>> entries(String key, String operation, int count) {
        List<Map<String, Object>> found = new ArrayList<>();
        Poll.until(count + " audit entries of " + operation + " for " + key, Duration.ofSeconds(10), () -> {
            found.clear();
            Http.Res r = admin.get("/v1/audit?limit=1000&key=" + key);
            assertEquals(200, r.status(), r.toString());
            for (Object o : asList(r.json().get("entries"))) {
                if (operation.equals(asMap(o).get("operation"))) {
                    found.add(asMap(o));
                }
            }
            return found.size() >= count;
        });
        return found;
    }

    @Test
    void batchWithRefusedItems_recordsEachOutcome_notOk() {
        String id = alice.post("/v1/keys", Map.of("name", "batch-audit", "algorithm", "aes-256-gcm")).str("id");
        String good = alice.post("/v1/keys/batch-audit/encrypt", Map.of("plaintext", b64("hello"))).str("ciphertext");
        String forged = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
        Http.Res r = alice.post("/v1/keys/batch-audit/decrypt", Map.of("batch", List.of(
                Map.of("ciphertext", good), Map.of("ciphertext", forged), Map.of("ciphertext", good), Map.of())));
        assertEquals(200, r.status(), r.toString());

        List<Map<String, Object>> decrypts = entries(id, "decrypt", 1);
        assertEquals("ok=2 decryption_failed=1[1] invalid_request=1[3]", decrypts.get(0).get("outcome"));
    }

    @Test
    void batchWhereEveryItemIsRefused_recordsTheRefusal() {
        String id = alice.post("/v1/keys", Map.of("name", "batch-refused", "algorithm", "aes-256-gcm")).str("id");
        Http bob = node.http(node.newUser("bob"));
        assertEquals(200, alice.put("/v1/keys/batch-refused/grants/bob", Map.of("operations", List.of("decrypt"))).status());
        Http.Res r = bob.post("/v1/keys/batch-refused/encrypt",
                Map.of("batch", List.of(Map.of("plaintext", b64("a")), Map.of("plaintext", b64("b")))));
        assertEquals(200, r.status(), r.toString());

        assertEquals("forbidden", entries(id, "encrypt", 1).get(0).get("outcome"));
    }

    @Test
    void keyByNameIdOrUpperCaseId_isRecordedByItsId() {
        String id = alice.post("/v1/keys", Map.of("name", "ref-audit", "algorithm", "aes-256-gcm")).str("id");
        for (String ref : List.of("ref-audit", id, id.toUpperCase(Locale.ROOT))) {
            assertEquals(200, alice.post("/v1/keys/" + ref + "/encrypt", Map.of("plaintext", b64("x"))).status());
        }

        List<Map<String, Object>> byId = entries(id, "encrypt", 3);
        assertEquals(3, byId.size(), byId.toString());
        byId.forEach(e -> assertEquals(id, e.get("key"), "recorded by id"));
        assertEquals(byId, entries("ref-audit", "encrypt", 3), "the name filters to the same entries");
        assertEquals(byId, entries(id.toUpperCase(Locale.ROOT), "encrypt", 3), "so does the id in upper case");
    }

    @Test
    void keyCreateAndImport_nameTheKeyTheyMade() {
        String created = alice.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
        String imported = alice.post("/v1/keys/import",
                Map.of("algorithm", "aes-128-gcm", "material", b64(new byte[16]))).str("id");

        assertEquals("ok", entries(created, "key.create", 1).get(0).get("outcome"));
        assertEquals("ok", entries(imported, "key.import", 1).get(0).get("outcome"));
    }
}
