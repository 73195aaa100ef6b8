package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import keyward.Http;
import keyward.ManualClock;
import keyward.TestNode;
import keyward.core.Grants;
import keyward.store.Permission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every key endpoint against every kind of caller (api.md, Access): no token, malformed, expired,
 * revoked and deleted-user tokens; another user without a grant, with the wrong grant, with the
 * right grant, through the wildcard grant; an admin without a grant; the owner. Also checks that
 * nothing leaks: every 401 is byte-identical, an invisible key's 404 equals a nonexistent key's
 * apart from the name, and no token appears in any error body or any header.
 */
class AccessMatrixTest {
    private static final String HERE = "127.0.0.1";
    private static final Set<String> ALLOWED_HEADERS = Set.of("date", "content-type", "content-length",
            "cache-control", "www-authenticate", "connection");

    static TestNode node;
    static int port;
    static String admin;
    static String alice;
    static String bob;
    static String carol;
    static String dave;
    static List<String> badAuth;
    static final List<String> TOKENS = new ArrayList<>();
    static String the401;

    static final ManualClock clock = new ManualClock();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(clock);
        port = node.node.port();
        admin = node.adminToken;
        alice = node.newUser("alice");
        Http asAlice = node.http(alice);
        String expired = asAlice.post("/v1/users/alice/tokens", Map.of("expires_in", 1L)).str("token");
        bob = node.newUser("bob");
        carol = node.newUser("carol");
        dave = node.newUser("dave");
        node.newUser("gina");
        Http.Res revoked = asAlice.post("/v1/users/alice/tokens", Map.of());
        assertEquals(204, asAlice.delete("/v1/users/alice/tokens/" + revoked.str("id")).status());
        String deletedUser = node.newUser("zed");
        assertEquals(204, node.admin().delete("/v1/users/zed").status());
        TOKENS.addAll(List.of(admin, alice, bob, carol, dave, expired, revoked.str("token"), deletedUser));
        badAuth = new ArrayList<>();
        badAuth.add(null);
        badAuth.add("Basic " + b64("alice:" + alice));
        badAuth.add("Bearer kw_not-a-real-token");
        badAuth.add("Bearer");
        badAuth.add("Bearer " + alice + "x");
        badAuth.add("Bearer " + expired);
        badAuth.add("Bearer " + revoked.str("token"));
        badAuth.add("Bearer " + deletedUser);
        clock.advance(Duration.ofSeconds(1));  // the expired token's lifetime
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // ---- the calls ----

    static AccessWire.Res call(String token, String method, String path, Object body) {
        AccessWire.Res r = AccessWire.send(HERE, port, method, path, "Bearer " + token, body);
        checkNoLeak(r);
        return r;
    }

    /** A call with bad credentials, from an address of its own so the backoff never steps in. */
    static AccessWire.Res callBadly(String authorization, String method, String path, Object body) {
        AccessWire.Res r = AccessWire.send(AccessWire.freshAddress(), port, method, path, authorization, body);
        checkNoLeak(r);
        return r;
    }

    static void checkNoLeak(AccessWire.Res r) {
        for (String[] h : r.headers()) {
            assertTrue(ALLOWED_HEADERS.contains(h[0]) || r.status() == 405 && h[0].equals("allow"),
                    "unexpected header " + h[0]);
            for (String t : TOKENS) {
                assertFalse(h[1].contains(t), "a token in header " + h[0]);
            }
        }
        if (r.status() >= 400) {
            assertFalse(r.text().contains("kw_"), "token material in an error body: " + r);
        }
        for (String t : TOKENS) {
            assertFalse(r.text().contains(t), "a token in a body: " + r);
        }
    }

    static void expect(int status, AccessWire.Res r, String who) {
        assertEquals(status, r.status(), who + ": " + r);
    }

    /** Every bad credential gives the one 401, byte for byte the same everywhere. */
    static void expectAll401(String method, String path, Object body) {
        for (String auth : badAuth) {
            AccessWire.Res r = callBadly(auth, method, path, body);
            expect(401, r, "credentials " + (auth == null ? "none" : auth.split(" ")[0]));
            assertEquals("unauthenticated", r.errorCode());
            assertEquals("Bearer", r.header("www-authenticate"));
            synchronized (AccessMatrixTest.class) {
                if (the401 == null) {
                    the401 = r.canonical();
                }
                assertEquals(the401, r.canonical(), method + " " + path);
            }
        }
    }

    // ---- key endpoints ----

    /** A key made by alice for one endpoint, with what its bodies need. */
    record Ctx(String ref, String id, String ciphertext, String signature, String mac) {
    }

    /**
     * One key endpoint: the grant it needs (null = grant management, owner only by default), the key
     * it works on, its request, the success status, whether an admin without grant may call it,
     * and what the owner does first to make a call possible again (for state-changing calls).
     */
    record Ep(String name, String grant, String algorithm, String method, String suffix, Function<Ctx, Object> body,
              int ok, boolean adminMay, Consumer<Ctx> prep) {
    }

    static final String MESSAGE = b64("the message");

    static Ep ep(String name, String grant, String alg, String method, String suffix, Function<Ctx, Object> body,
                 int ok) {
        return new Ep(name, grant, alg, method, suffix, body, ok, "get".equals(grant), c -> { });
    }

    static List<Ep> endpoints() {
        return List.of(
                ep("get", "get", "aes-256-gcm", "GET", "", c -> null, 200),
                ep("update", "update", "aes-256-gcm", "PATCH", "", c -> Map.of("tags", List.of("t")), 200),
                ep("rotate", "rotate", "aes-256-gcm", "POST", "/rotate", c -> Map.of(), 200),
                ep("revoke", "revoke", "aes-256-gcm", "POST", "/revoke", c -> Map.of("reason", "superseded"), 200),
                new Ep("destroy", "destroy", "aes-256-gcm", "DELETE", "", c -> null, 200, false,
                        c -> owner("POST", c.ref + "/cancel-destroy", Map.of())),
                new Ep("cancel-destroy", "destroy", "aes-256-gcm", "POST", "/cancel-destroy", c -> Map.of(), 200,
                        false, c -> owner("DELETE", c.ref, null)),
                ep("public", "get", "ec-p256", "GET", "/public", c -> null, 200),
                ep("export", "export", "aes-256-gcm", "POST", "/export", c -> Map.of(), 200),
                ep("encrypt", "encrypt", "aes-256-gcm", "POST", "/encrypt", c -> Map.of("plaintext", MESSAGE), 200),
                ep("decrypt", "decrypt", "aes-256-gcm", "POST", "/decrypt", c -> Map.of("ciphertext", c.ciphertext), 200),
                ep("rewrap", "rewrap", "aes-256-gcm", "POST", "/rewrap", c -> Map.of("ciphertext", c.ciphertext), 200),
                ep("datakey", "datakey", "aes-256-gcm", "POST", "/datakey", c -> Map.of("bits", 256L), 200),
                ep("sign", "sign", "ec-p256", "POST", "/sign", c -> Map.of("message", MESSAGE), 200),
                ep("verify", "verify", "ec-p256", "POST", "/verify",
                        c -> Map.of("message", MESSAGE, "signature", c.signature), 200),
                ep("mac", "mac", "hmac-sha256", "POST", "/mac", c -> Map.of("message", MESSAGE), 200),
                ep("mac-verify", "verify", "hmac-sha256", "POST", "/mac-verify",
                        c -> Map.of("message", MESSAGE, "mac", c.mac), 200),
                new Ep("grants-list", null, "aes-256-gcm", "GET", "/grants", c -> null, 200, true, c -> { }),
                // admins read grants but change them only where admin_can_grant = true (AdminGrantsTest)
                new Ep("grants-put", null, "aes-256-gcm", "PUT", "/grants/gina",
                        c -> Map.of("operations", List.of("get")), 200, false, c -> { }),
                new Ep("grants-delete", null, "aes-256-gcm", "DELETE", "/grants/gina", c -> null, 204, false,
                        c -> owner("PUT", c.ref + "/grants/gina", Map.of("operations", List.of("get")))));
    }

    /** Alice prepares her key; whether that changed anything does not matter. */
    static void owner(String method, String keyPath, Object body) {
        call(alice, method, "/v1/keys/" + keyPath, body);
    }

    static Ctx newKey(String name, String algorithm) {
        Map<String, Object> req = new LinkedHashMap<>(Map.of("name", name, "algorithm", algorithm));
        if (name.equals("m-export")) {
            req.put("exportable", true);
        }
        AccessWire.Res r = call(alice, "POST", "/v1/keys", req);
        expect(201, r, "alice creates " + name);
        String id = (String) r.json().get("id");
        String ct = null;
        String sig = null;
        String mac = null;
        if (algorithm.startsWith("aes")) {
            ct = (String) call(alice, "POST", "/v1/keys/" + name + "/encrypt", Map.of("plaintext", MESSAGE))
                    .json().get("ciphertext");
        } else if (algorithm.startsWith("ec")) {
            sig = (String) call(alice, "POST", "/v1/keys/" + name + "/sign", Map.of("message", MESSAGE))
                    .json().get("signature");
        } else {
            mac = (String) call(alice, "POST", "/v1/keys/" + name + "/mac", Map.of("message", MESSAGE)).json().get("mac");
        }
        return new Ctx(name, id, ct, sig, mac);
    }

    static void grant(String ref, String user, List<String> ops) {
        expect(200, call(alice, "PUT", "/v1/keys/" + ref + "/grants/" + user, Map.of("operations", ops)), "grant");
    }

    static void ungrant(String ref, String user) {
        expect(204, call(alice, "DELETE", "/v1/keys/" + ref + "/grants/" + user, null), "ungrant");
    }

    @TestFactory
    Stream<DynamicTest> everyKeyEndpoint_answersEveryCaller_asApiMdSays() {
        return endpoints().stream().map(e -> DynamicTest.dynamicTest(e.name + "_answersEveryCaller_asApiMdSays",
                () -> matrix(e)));
    }

    private static void matrix(Ep e) {
        Ctx c = newKey("m-" + e.name, e.algorithm);
        String path = "/v1/keys/" + c.ref + e.suffix;
        Object body = e.body.apply(c);

        expectAll401(e.method, path, body);

        // another user without grant: the key does not exist for them, byte for byte
        AccessWire.Res invisible = call(bob, e.method, path, body);
        expect(404, invisible, "bob without grant");
        String missing = "n" + c.ref.substring(1);
        AccessWire.Res absent = call(bob, e.method, "/v1/keys/" + missing + e.suffix, body);
        assertEquals(absent.canonical(), invisible.canonical().replace(c.ref, missing));
        String randomId = UUID.randomUUID().toString();
        AccessWire.Res invisibleById = call(bob, e.method, "/v1/keys/" + c.id + e.suffix, body);
        AccessWire.Res absentById = call(bob, e.method, "/v1/keys/" + randomId + e.suffix, body);
        assertEquals(absentById.canonical(), invisibleById.canonical().replace(c.id, randomId));

        if (e.grant != null) {
            // the wrong grant makes the key visible but not usable for this operation
            grant(c.ref, "carol", List.of(e.grant.equals("get") ? "encrypt" : "get"));
            expect(403, call(carol, e.method, path, body), "carol with the wrong grant");
            // the right grant works on the very next request, and its removal too
            grant(c.ref, "carol", List.of(e.grant));
            e.prep.accept(c);
            expect(e.ok, call(carol, e.method, path, body), "carol with the right grant");
            ungrant(c.ref, "carol");
            expect(404, call(carol, e.method, path, body), "carol after the grant is gone");
            // the wildcard grant: every authenticated user
            grant(c.ref, Grants.EVERYONE, List.of(e.grant));
            e.prep.accept(c);
            expect(e.ok, call(dave, e.method, path, body), "dave through the * grant");
            ungrant(c.ref, Grants.EVERYONE);
            expect(404, call(dave, e.method, path, body), "dave after the * grant is gone");
        } else {
            // managing grants needs ownership: holding every operation is not enough
            grant(c.ref, "carol", Permission.names());
            expect(403, call(carol, e.method, path, body), "carol holding every operation");
            ungrant(c.ref, "carol");
            grant(c.ref, Grants.EVERYONE, Permission.names());
            expect(403, call(dave, e.method, path, body), "dave holding every operation through *");
            ungrant(c.ref, Grants.EVERYONE);
        }
        expect(404, call(bob, e.method, path, body), "bob still without grant");

        e.prep.accept(c);
        AccessWire.Res byAdmin = call(admin, e.method, path, body);
        expect(e.adminMay ? e.ok : 403, byAdmin, "admin without grant");
        if (!e.adminMay) {
            assertEquals("forbidden", byAdmin.errorCode());
        }

        e.prep.accept(c);
        expect(e.ok, call(alice, e.method, path, body), "alice, the owner");
    }

    // ---- everything else ----

    @Test
    void endpointsWithoutAKey_refuseBadCredentials_withTheOne401() {
        Object key = Map.of("algorithm", "aes-128-gcm");
        List<Object[]> calls = List.of(
                new Object[] {"GET", "/v1/whoami", null},
                new Object[] {"GET", "/v1/users", null},
                new Object[] {"POST", "/v1/users", Map.of("name", "nobody")},
                new Object[] {"DELETE", "/v1/users/bob", null},
                new Object[] {"POST", "/v1/users/alice/tokens", Map.of()},
                new Object[] {"GET", "/v1/users/alice/tokens", null},
                new Object[] {"DELETE", "/v1/users/alice/tokens/0011223344556677", null},
                new Object[] {"POST", "/v1/keys", key},
                new Object[] {"POST", "/v1/keys/import", Map.of("algorithm", "aes-128-gcm", "material", b64(new byte[16]))},
                new Object[] {"GET", "/v1/keys", null},
                new Object[] {"POST", "/v1/random", Map.of("bytes", 16L)},
                new Object[] {"GET", "/v1/wrapping-key", null},
                new Object[] {"GET", "/v1/audit", null},
                new Object[] {"GET", "/v1/keys/no-such-key", null},
                new Object[] {"POST", "/v1/keys/no-such-key/encrypt", Map.of("plaintext", MESSAGE)});
        for (Object[] c : calls) {
            expectAll401((String) c[0], (String) c[1], c[2]);
        }
        for (String open : List.of("/health", "/ready", "/version", "/metrics")) {
            expect(200, callBadly(null, "GET", open, null), open + " without credentials");
        }
    }

    @Test
    void userAndTokenEndpoints_answerRegularUsersAndAdmins_asApiMdSays() {
        Map<String, Object> whoBob = call(bob, "GET", "/v1/whoami", null).json();
        assertEquals("bob", whoBob.get("user"));
        assertEquals(false, whoBob.get("admin"));
        assertEquals(true, call(admin, "GET", "/v1/whoami", null).json().get("admin"));

        expect(403, call(bob, "GET", "/v1/users", null), "bob lists users");
        expect(403, call(bob, "GET", "/v1/audit", null), "bob reads the audit log");
        expect(403, call(bob, "POST", "/v1/users", Map.of("name", "mallory")), "bob creates a user");
        expect(403, call(bob, "DELETE", "/v1/users/carol", null), "bob deletes carol");
        expect(403, call(bob, "POST", "/v1/users/carol/tokens", Map.of()), "bob makes carol a token");
        expect(403, call(bob, "GET", "/v1/users/carol/tokens", null), "bob lists carol's tokens");
        expect(403, call(bob, "DELETE", "/v1/users/carol/tokens/0011223344556677", null), "bob revokes carol's");

        AccessWire.Res own = call(bob, "POST", "/v1/users/bob/tokens", Map.of());
        expect(201, own, "bob makes himself a token");
        expect(200, call(bob, "GET", "/v1/users/bob/tokens", null), "bob lists his tokens");
        expect(204, call(bob, "DELETE", "/v1/users/bob/tokens/" + own.json().get("id"), null), "bob revokes his");

        expect(200, call(admin, "GET", "/v1/users", null), "admin lists users");
        expect(200, call(admin, "GET", "/v1/audit?limit=1000", null), "admin reads the audit log, free of tokens");
        expect(201, call(admin, "POST", "/v1/users", Map.of("name", "temp")), "admin creates a user");
        AccessWire.Res forCarol = call(admin, "POST", "/v1/users/carol/tokens", Map.of());
        expect(201, forCarol, "admin makes carol a token");
        expect(200, call(admin, "GET", "/v1/users/carol/tokens", null), "admin lists carol's tokens");
        expect(204, call(admin, "DELETE", "/v1/users/carol/tokens/" + forCarol.json().get("id"), null), "admin revokes");
        expect(204, call(admin, "DELETE", "/v1/users/temp", null), "admin deletes a user");
        expect(404, call(admin, "DELETE", "/v1/users/temp", null), "admin deletes it again");

        for (String who : List.of(bob, admin)) {
            expect(201, call(who, "POST", "/v1/keys", Map.of("algorithm", "aes-128-gcm")), "create a key");
            expect(201, call(who, "POST", "/v1/keys/import",
                    Map.of("algorithm", "aes-128-gcm", "material", b64(new byte[16]))), "import a key");
            expect(200, call(who, "GET", "/v1/keys", null), "locate");
            expect(200, call(who, "POST", "/v1/random", Map.of("bytes", 16L)), "random");
        }
    }

    @Test
    void locate_returnsOnlyKeysTheCallerOwnsOrMayGet() {
        newKey("loc-shared", "aes-256-gcm");
        String q = "/v1/keys?name=loc-shared";
        assertEquals(1, found(alice, q));
        assertEquals(0, found(bob, q));
        assertEquals(0, found(admin, q), "admins see metadata by name, but locate lists only their own");
        grant("loc-shared", "bob", List.of("encrypt"));
        expect(403, call(bob, "GET", "/v1/keys/loc-shared", null), "an encrypt grant shows no metadata");
        assertEquals(0, found(bob, q), "nor does locate");
        grant("loc-shared", "bob", List.of("encrypt", "get"));
        assertEquals(1, found(bob, q));
        assertEquals(0, found(dave, q));
        grant("loc-shared", Grants.EVERYONE, List.of("verify"));
        assertEquals(0, found(dave, q), "a verify grant to everyone lists nothing");
        grant("loc-shared", Grants.EVERYONE, List.of("verify", "get"));
        assertEquals(1, found(dave, q));
        ungrant("loc-shared", Grants.EVERYONE);
        ungrant("loc-shared", "bob");
        assertEquals(0, found(bob, q));
        assertEquals(0, found(dave, q));
    }

    @Test
    void locate_pagesPastKeysTheCallerMayNotGet() {
        for (int i = 0; i < 7; i++) {
            newKey("loc-page-" + i, "aes-256-gcm");
            grant("loc-page-" + i, "bob", List.of(i % 3 == 0 ? "get" : "encrypt"));
        }
        java.util.Set<Object> seen = new java.util.HashSet<>();
        String after = null;
        for (int page = 0; page < 50; page++) {
            AccessWire.Res r = call(bob, "GET", "/v1/keys?limit=1" + (after == null ? "" : "&after=" + after), null);
            expect(200, r, "locate page");
            for (Object k : Http.asList(r.json().get("keys"))) {
                Object name = ((Map<?, ?>) k).get("name");
                if (String.valueOf(name).startsWith("loc-page-")) {
                    seen.add(name);
                }
            }
            Object next = r.json().get("next");
            after = next instanceof String n ? n : null;
            if (after == null) {
                break;
            }
        }
        assertEquals(java.util.Set.of("loc-page-0", "loc-page-3", "loc-page-6"), seen);
    }

    private static int found(String token, String query) {
        AccessWire.Res r = call(token, "GET", query, null);
        expect(200, r, "locate");
        return Http.asList(r.json().get("keys")).size();
    }

    @Test
    void grantAndRevoke_takeEffectOnTheVeryNextRequest() {
        newKey("next-req", "aes-256-gcm");
        String path = "/v1/keys/next-req/encrypt";
        Object body = Map.of("plaintext", MESSAGE);
        for (int round = 0; round < 3; round++) {
            expect(404, call(bob, "POST", path, body), "before the grant");
            grant("next-req", "bob", List.of("encrypt"));
            expect(200, call(bob, "POST", path, body), "right after the grant");
            grant("next-req", "bob", List.of("decrypt"));
            expect(403, call(bob, "POST", path, body), "right after the grant is narrowed");
            ungrant("next-req", "bob");
        }
        // a revoked token, too, is refused on the very next request
        AccessWire.Res t = call(bob, "POST", "/v1/users/bob/tokens", Map.of());
        String token = (String) t.json().get("token");
        expect(200, AccessWire.send(HERE, port, "GET", "/v1/whoami", "Bearer " + token, null), "fresh token");
        expect(204, call(bob, "DELETE", "/v1/users/bob/tokens/" + t.json().get("id"), null), "revoke it");
        expect(401, AccessWire.send(AccessWire.freshAddress(), port, "GET", "/v1/whoami", "Bearer " + token, null),
                "revoked token");
    }

    @Test
    void createUsersConfig_absent_letsEveryUserCreateKeys() {
        expect(201, call(dave, "POST", "/v1/keys", Map.of("algorithm", "aes-128-gcm")), "dave creates a key");
    }
}
