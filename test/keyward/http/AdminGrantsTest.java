package keyward.http;

import static keyward.Http.asList;
import static keyward.Http.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** Changing grants on another user's key is a separate admin power, admin_can_grant, off by default. */
class AdminGrantsTest {

    private static String alicesExportableKey(TestNode node, Http alice) {
        Http.Res r = alice.post("/v1/keys", Map.of("name", "alices", "algorithm", "aes-256-gcm", "exportable", true));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }

    @Test
    void byDefault_anAdminCannotGrantItselfExportOnAUsersKey_butManagesUsers() throws Exception {
        try (TestNode node = TestNode.start()) {
            Http admin = node.admin();
            Http alice = node.http(node.newUser("alice"));
            alicesExportableKey(node, alice);

            Http.Res put = admin.put("/v1/keys/alices/grants/admin", Map.of("operations", List.of("export")));
            assertEquals(403, put.status(), put.toString());
            assertEquals("forbidden", put.errorCode());
            assertEquals(403, admin.post("/v1/keys/alices/export", Map.of()).status(), "still no material");
            node.newUser("bob");
            assertEquals(200, alice.put("/v1/keys/alices/grants/bob", Map.of("operations", List.of("get"))).status());
            assertEquals(403, admin.delete("/v1/keys/alices/grants/bob").status(), "nor remove a grant");
            assertEquals(200, admin.get("/v1/keys/alices/grants").status(), "admins still read grants");
            assertEquals(204, admin.delete("/v1/users/bob").status(), "and manage users");
        }
    }

    @Test
    void withAdminCanGrant_anAdminGrantsItselfExport_andTheAuditShowsTheGrant() throws Exception {
        try (TestNode node = TestNode.start("--admin-can-grant=true")) {
            Http admin = node.admin();
            Http alice = node.http(node.newUser("alice"));
            String id = alicesExportableKey(node, alice);

            assertEquals(200, admin.put("/v1/keys/alices/grants/admin", Map.of("operations", List.of("export"))).status());
            assertEquals(200, admin.post("/v1/keys/alices/export", Map.of()).status());
            Poll.until("the grant.put entry", Duration.ofSeconds(10), () -> asList(admin.get("/v1/audit?key=" + id)
                    .json().get("entries")).stream().anyMatch(e -> "grant.put".equals(asMap(e).get("operation"))
                    && "admin".equals(asMap(e).get("user")) && "ok".equals(asMap(e).get("outcome"))));
        }
    }
}
