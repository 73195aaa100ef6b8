package keyward.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.ManualClock;
import keyward.TestNode;
import keyward.crypto.Pepper;
import keyward.store.TokenRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users and tokens (api.md, Access): shown once, stored as HMAC(pepper, token), revoked at once. */
class UsersApiTest {
    static final ManualClock clock = new ManualClock();
    static TestNode node;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(clock);
        admin = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String tokenOf(Http.Res r) {
        assertEquals(201, r.status(), r.toString());
        return r.str("token");
    }

    @Test
    void createUser_showsTheTokenOnce_andStoresOnlyItsPepperedHmac() throws Exception {
        Http.Res created = admin.post("/v1/users", Map.of("name", "hana"));
        String token = tokenOf(created);
        assertEquals("hana", created.str("name"));
        assertTrue(token.startsWith("kw_") && token.length() == 46, token);

        assertFalse(admin.get("/v1/users").text().contains(token));
        Http.Res listed = admin.get("/v1/users/hana/tokens");
        assertEquals(200, listed.status());
        assertFalse(listed.text().contains(token));
        assertEquals(1, Http.asList(listed.json().get("tokens")).size());

        List<TokenRecord> stored = node.node.store().listTokens("hana");
        assertEquals(1, stored.size());
        Pepper pepper = Pepper.load(node.dir.resolve("pepper.key"));
        assertArrayEquals(pepper.hashToken(token), stored.get(0).hash());
        try (var files = Files.list(node.dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("keyward.db")).toList()) {
                String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(raw.contains(token), "the token is in " + f.getFileName());
            }
        }
    }

    @Test
    void aUserHoldsSeveralTokens_andRevokingOne_leavesTheOthersWorking() {
        String first = tokenOf(admin.post("/v1/users", Map.of("name", "ines")));
        Http ines = node.http(first);
        Http.Res second = ines.post("/v1/users/ines/tokens", Map.of());
        Http.Res third = ines.post("/v1/users/ines/tokens", Map.of("expires_in", 3600L));
        assertTrue(second.json().containsKey("expires_at"));
        assertFalse(second.json().get("expires_at") instanceof String, "a token without expiry: " + second);
        Instant expires = Instant.parse(third.str("expires_at"));
        assertTrue(Duration.between(Instant.now(), expires).toMinutes() >= 59, third.toString());
        assertEquals(3, Http.asList(ines.get("/v1/users/ines/tokens").json().get("tokens")).size());

        assertEquals(204, ines.delete("/v1/users/ines/tokens/" + second.str("id")).status());
        assertEquals(401, node.http(tokenOf(second)).get("/v1/whoami").status());
        assertEquals("ines", node.http(tokenOf(third)).get("/v1/whoami").str("user"));
        assertEquals("ines", ines.get("/v1/whoami").str("user"));
        assertEquals(404, ines.delete("/v1/users/ines/tokens/" + second.str("id")).status());
    }

    @Test
    void anExpiredToken_isRefused_withTheSame401AsAnUnknownOne() {
        String token = tokenOf(admin.post("/v1/users", Map.of("name", "jon")));
        String shortLived = tokenOf(node.http(token).post("/v1/users/jon/tokens", Map.of("expires_in", 1L)));
        assertEquals("jon", node.http(shortLived).get("/v1/whoami").str("user"));
        clock.advance(Duration.ofSeconds(1));
        Http.Res expired = node.http(shortLived).get("/v1/whoami");
        Http.Res unknown = node.http("kw_" + "A".repeat(43)).get("/v1/whoami");
        assertEquals(401, expired.status());
        assertEquals(unknown.text(), expired.text());
        assertEquals(unknown.header("WWW-Authenticate"), expired.header("WWW-Authenticate"));
    }

    @Test
    void deletingAUser_revokesEveryTokenOfIt_onTheNextRequest() {
        String one = tokenOf(admin.post("/v1/users", Map.of("name", "kai")));
        String two = tokenOf(node.http(one).post("/v1/users/kai/tokens", Map.of()));
        assertEquals(200, node.http(two).get("/v1/whoami").status());
        assertEquals(204, admin.delete("/v1/users/kai").status());
        assertEquals(401, node.http(one).get("/v1/whoami").status());
        assertEquals(401, node.http(two).get("/v1/whoami").status());
        assertTrue(node.node.store().listTokens("kai").isEmpty());
        assertEquals(404, admin.get("/v1/users/kai/tokens").status());
    }

    @Test
    void aRegularUser_managesOnlyItsOwnTokens_andNoUsers() {
        String lea = tokenOf(admin.post("/v1/users", Map.of("name", "lea")));
        tokenOf(admin.post("/v1/users", Map.of("name", "max")));
        Http asLea = node.http(lea);
        Map<String, Object> who = asLea.get("/v1/whoami").json();
        assertEquals("lea", who.get("user"));
        assertEquals(false, who.get("admin"));
        assertEquals(403, asLea.post("/v1/users/max/tokens", Map.of()).status());
        assertEquals(403, asLea.get("/v1/users/max/tokens").status());
        assertEquals(403, asLea.post("/v1/users", Map.of("name", "nia", "admin", true)).status());
        assertEquals(403, asLea.delete("/v1/users/max").status());
        assertEquals(403, asLea.get("/v1/users").status());
    }

    @Test
    void anAdminUser_createdByAnAdmin_isAnAdmin() {
        String root2 = tokenOf(admin.post("/v1/users", Map.of("name", "ops", "admin", true)));
        assertEquals(true, node.http(root2).get("/v1/whoami").json().get("admin"));
        assertEquals(200, node.http(root2).get("/v1/users").status());
    }

    @Test
    void badUserRequests_areRefused_namingTheField() {
        Http.Res star = admin.post("/v1/users", Map.of("name", "*"));
        assertEquals(400, star.status());
        assertTrue(star.text().contains("'name'"), star.toString());
        assertEquals(400, admin.post("/v1/users", Map.of("name", "has space")).status());
        assertEquals(400, admin.post("/v1/users", Map.of()).status());
        assertEquals(400, admin.post("/v1/users", Map.of("name", "ok", "extra", 1L)).status());
        tokenOf(admin.post("/v1/users", Map.of("name", "twice")));
        assertEquals(409, admin.post("/v1/users", Map.of("name", "twice")).status());
        Http.Res zero = admin.post("/v1/users/twice/tokens", Map.of("expires_in", 0L));
        assertEquals(400, zero.status());
        assertTrue(zero.text().contains("'expires_in'"), zero.toString());
        assertEquals(400, admin.post("/v1/users/twice/tokens", Map.of("expires_in", 400_000_000L)).status());
        assertEquals(404, admin.post("/v1/users/nobody/tokens", Map.of()).status());
        assertEquals(404, admin.delete("/v1/users/nobody").status());
    }

    @Test
    void anAdmin_cannotDeleteItself() {
        Http.Res r = admin.delete("/v1/users/admin");
        assertEquals(409, r.status());
        assertEquals(200, admin.get("/v1/whoami").status());
    }

    @Test
    void createUsersConfig_restrictsWhoMayCreateKeys() throws Exception {
        try (TestNode restricted = TestNode.start("--create-users=alice")) {
            Http root = restricted.admin();
            Http alice = restricted.http(tokenOf(root.post("/v1/users", Map.of("name", "alice"))));
            Http bob = restricted.http(tokenOf(root.post("/v1/users", Map.of("name", "bob"))));
            Map<String, Object> key = Map.of("algorithm", "aes-128-gcm");
            Map<String, Object> imported = Map.of("algorithm", "aes-128-gcm", "material", Http.b64(new byte[16]));
            assertEquals(201, alice.post("/v1/keys", key).status());
            assertEquals(201, alice.post("/v1/keys/import", imported).status());
            Http.Res refused = bob.post("/v1/keys", key);
            assertEquals(403, refused.status());
            assertEquals("forbidden", refused.errorCode());
            assertEquals(403, bob.post("/v1/keys/import", imported).status());
            assertEquals(403, root.post("/v1/keys", key).status());
            assertNotNull(bob.get("/v1/keys").json().get("keys"));
        }
    }
}
