package keyward.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.config.Config;
import keyward.config.ConfigException;
import keyward.server.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Vault-compatible routes' envelope, errors, auth and mounts, beside Keyward's own API. */
class VaultApiTest {
    private static TestNode node;
    private static Http alice;
    private static String aliceToken;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start("--vault-kv-mounts=secret,team");
        aliceToken = node.newUser("alice");
        alice = node.http(aliceToken);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void health_needsNoToken_andAnswersVaultsFields() {
        Http.Res r = node.http(null).get("/v1/sys/health");
        assertEquals(200, r.status(), r.toString());
        assertEquals(true, r.json().get("initialized"));
        assertEquals(false, r.json().get("sealed"));
        assertEquals(false, r.json().get("standby"));
    }

    @Test
    void aRequestWithoutOrWithABadToken_is403PermissionDenied_inVaultsShape() {
        for (Http h : List.of(node.http(null), node.http("not-a-token"))) {
            Http.Res r = h.get("/v1/secret/data/x");
            assertEquals(403, r.status(), r.toString());
            assertEquals(List.of("permission denied"), r.json().get("errors"));
        }
    }

    @Test
    void xVaultToken_authenticates_likeABearerToken() {
        String token = node.newUser("carol");
        Http.Res r = vault("GET", "/v1/auth/token/lookup-self", token, null);
        assertEquals(200, r.status(), r.toString());
        Map<String, Object> data = Http.asMap(r.json().get("data"));
        assertEquals("token-carol", data.get("display_name"));
        for (String field : List.of("request_id", "lease_id", "renewable", "lease_duration", "wrap_info", "warnings", "auth")) {
            assertTrue(r.json().containsKey(field), field);
        }
    }

    @Test
    void tune_ofAKvMount_hasOptionsVersion2AtTheTopLevel_andEveryConfiguredMountIsListed() {
        for (String mount : List.of("secret", "team")) {
            Http.Res r = alice.get("/v1/sys/mounts/" + mount + "/tune");
            assertEquals(200, r.status(), r.toString());
            assertEquals("2", Http.asMap(r.json().get("options")).get("version"));
        }
        assertEquals(400, alice.get("/v1/sys/mounts/nosuch/tune").status());
        Map<String, Object> mounts = Http.asMap(alice.get("/v1/sys/mounts").json().get("data"));
        assertTrue(mounts.keySet().containsAll(List.of("secret/", "team/", "transit/")), mounts.keySet().toString());
    }

    @Test
    void twoKvMounts_keepTheirSecretsApart() {
        assertEquals(200, alice.post("/v1/team/data/db", Map.of("data", Map.of("pw", "team"))).status());
        assertEquals(200, alice.post("/v1/secret/data/db", Map.of("data", Map.of("pw", "secret"))).status());
        assertEquals("team", data(alice.get("/v1/team/data/db")).get("pw"));
        assertEquals("secret", data(alice.get("/v1/secret/data/db")).get("pw"));
    }

    @Test
    void anAdmin_enablesAKvV2Mount_overTheApi_andOthersCannot() {
        Http admin = node.admin();
        assertEquals(403, alice.post("/v1/sys/mounts/alices", Map.of("type", "kv", "options", Map.of("version", "2")))
                .status());
        assertEquals(400, admin.post("/v1/sys/mounts/kv1", Map.of("type", "kv", "options", Map.of("version", "1")))
                .status());
        assertEquals(400, admin.post("/v1/sys/mounts/keys", Map.of("type", "kv-v2")).status());
        assertEquals(400, admin.post("/v1/sys/mounts/secret", Map.of("type", "kv-v2")).status());
        Http.Res r = admin.post("/v1/sys/mounts/apps", Map.of("type", "kv", "options", Map.of("version", "2")));
        assertEquals(204, r.status(), r.toString());
        assertEquals(400, admin.post("/v1/sys/mounts/apps", Map.of("type", "kv-v2")).status(), "already in use");
        assertEquals("2", Http.asMap(alice.get("/v1/sys/mounts/apps/tune").json().get("options")).get("version"));
        assertTrue(Http.asMap(alice.get("/v1/sys/mounts").json().get("data")).containsKey("apps/"));
        assertEquals(200, alice.post("/v1/apps/data/x", Map.of("data", Map.of("a", "b"))).status());
        assertEquals("b", data(alice.get("/v1/apps/data/x")).get("a"));
    }

    @Test
    void anAdmin_enablesATransitMount_whoseKeysAreKeywardKeysInTheirOwnNamespace() {
        Http admin = node.admin();
        assertEquals(403, alice.post("/v1/sys/mounts/alicetr", Map.of("type", "transit")).status());
        assertEquals(400, admin.post("/v1/sys/mounts/pay", Map.of("type", "pki")).status(), "other engines");
        assertEquals(204, admin.post("/v1/sys/mounts/pay", Map.of("type", "transit")).status());
        assertEquals(400, admin.post("/v1/sys/mounts/pay", Map.of("type", "transit")).status(), "already in use");
        Map<String, Object> mounts = Http.asMap(alice.get("/v1/sys/mounts").json().get("data"));
        assertEquals("transit", Http.asMap(mounts.get("pay/")).get("type"));
        assertEquals(200, alice.get("/v1/sys/mounts/pay/tune").status());

        assertEquals(200, alice.post("/v1/pay/keys/pm-card", Map.of("type", "aes256-gcm96")).status());
        assertEquals("pm-card", Http.asMap(alice.get("/v1/pay/keys/pm-card").json().get("data")).get("name"));
        String ct = (String) Http.asMap(alice.post("/v1/pay/encrypt/pm-card",
                Map.of("plaintext", Http.b64("4111"))).json().get("data")).get("ciphertext");
        assertTrue(ct.startsWith("vault:v1:"), ct);
        assertEquals(Http.b64("4111"), Http.asMap(alice.post("/v1/pay/decrypt/pm-card",
                Map.of("ciphertext", ct)).json().get("data")).get("plaintext"));
        assertEquals(List.of("pm-card"), Http.asMap(alice.get("/v1/pay/keys?list=true").json().get("data")).get("keys"));

        assertEquals(404, alice.get("/v1/transit/keys/pm-card").status(), "another mount's name is not the default's");
        assertEquals(200, alice.get("/v1/transit/keys/pay.pm-card").status(), "the default mount sees its Keyward name");
        assertEquals(200, alice.post("/v1/keys/pay.pm-card/rotate", Map.of()).status(), "a Keyward key under our API");
        assertEquals(2L, ((Number) Http.asMap(alice.get("/v1/pay/keys/pm-card").json().get("data"))
                .get("latest_version")).longValue());
        assertEquals(Http.b64("4111"), Http.asMap(alice.post("/v1/pay/decrypt/pm-card",
                Map.of("ciphertext", ct)).json().get("data")).get("plaintext"), "v1 still decrypts");
        Http bob = node.http(node.newUser("bob-pay"));
        assertEquals(404, bob.post("/v1/pay/encrypt/pm-card", Map.of("plaintext", Http.b64("x"))).status(),
                "another user can neither use nor see it: not found, as on our own API");
    }

    @Test
    void aKeyNamedLikeAMountRecord_madeByANonAdmin_enablesNothing() {
        assertEquals(201, alice.post("/v1/keys/import", Map.of("name", "vault-mount-squat", "algorithm", "secret",
                "material", Http.b64("kv-v2"), "tags", List.of("vault-mount"))).status());
        assertEquals(400, alice.get("/v1/sys/mounts/squat/tune").status());
        assertEquals(404, alice.get("/v1/squat/data/x").status());
    }

    @Test
    void anAdminsMountConfig_requiresCas_andKeepsMaxVersions_forEverySecretOfTheMount() {
        Http admin = node.admin();
        assertEquals(204, admin.post("/v1/team/config", Map.of("cas_required", true, "max_versions", 2)).status());
        Map<String, Object> c = Http.asMap(alice.get("/v1/team/config").json().get("data"));
        assertEquals(true, c.get("cas_required"));
        assertEquals(2L, c.get("max_versions"));
        assertEquals(400, alice.post("/v1/team/data/cfg", Map.of("data", Map.of("v", "1"))).status(), "cas required");
        for (int i = 0; i < 3; i++) {
            Http.Res w = alice.post("/v1/team/data/cfg", Map.of("data", Map.of("v", "" + i), "options", Map.of("cas", i)));
            assertEquals(200, w.status(), w.toString());
        }
        Map<String, Object> meta = Http.asMap(alice.get("/v1/team/metadata/cfg").json().get("data"));
        assertEquals(2L, meta.get("oldest_version"));
        assertEquals(404, alice.get("/v1/team/data/cfg?version=1").status());
        assertEquals(403, alice.post("/v1/team/config", Map.of("max_versions", 0)).status());
        assertEquals(204, admin.post("/v1/team/config", Map.of("cas_required", false, "max_versions", 0)).status());
    }

    @Test
    void aMissingSecret_is404WithAnEmptyErrorsList() {
        Http.Res r = alice.get("/v1/secret/data/never/written");
        assertEquals(404, r.status());
        assertEquals(List.of(), r.json().get("errors"));
    }

    @Test
    void unknownMounts_wrongMethods_andBadInput_getVaultsShape_neverA500() {
        assertEquals(404, alice.get("/v1/nosuchmount/data/x").status());
        Http.Res patch = alice.patch("/v1/secret/data/x", Map.of());
        assertEquals(405, patch.status());
        assertTrue(patch.json().containsKey("errors"));
        List<String[]> bad = List.of(
                new String[] {"POST", "/v1/secret/data/x", "{"},
                new String[] {"POST", "/v1/secret/data/x", "[1,2]"},
                new String[] {"POST", "/v1/secret/data/x", "{\"data\": 5}"},
                new String[] {"POST", "/v1/secret/data/x", "{\"data\": {}, \"options\": {\"cas\": -1}}"},
                new String[] {"POST", "/v1/secret/destroy/x", "{\"versions\": [\"a\"]}"},
                new String[] {"GET", "/v1/secret/data/x?version=abc", null},
                new String[] {"GET", "/v1/secret/data/x?version=1&version=2", null},
                new String[] {"POST", "/v1/transit/keys/t", "{\"type\": 7}"},
                new String[] {"POST", "/v1/transit/encrypt/t", "{\"plaintext\": \"%%%\"}"},
                new String[] {"POST", "/v1/transit/encrypt/t", "{\"batch_input\": 3}"},
                new String[] {"POST", "/v1/transit/decrypt/t", "{\"ciphertext\": \"vault:v99999999999:AA\"}"},
                new String[] {"POST", "/v1/transit/random/0", "{}"},
                new String[] {"POST", "/v1/transit/hash/md5", "{\"input\": \"AA==\"}"},
                new String[] {"GET", "/v1/transit/export/nonsense/t", null},
                new String[] {"POST", "/v1/transit/datakey/other/t", "{}"},
                new String[] {"POST", "/v1/sys/mounts/extra", "{\"type\": \"kv\"}"},
                new String[] {"POST", "/v1/sys/mounts/extra", "[1]"},
                new String[] {"GET", "/v1/secret/data/" + "x".repeat(200), null});
        for (String[] b : bad) {
            Http.Res r = alice.send(b[0], b[1], b[2] == null ? null : b[2].getBytes(StandardCharsets.UTF_8),
                    b[2] == null ? null : "application/json");
            assertTrue(r.status() == 400 || r.status() == 404, String.join(" ", b) + " -> " + r);
            assertTrue(r.json().get("errors") instanceof List<?>, String.join(" ", b) + " -> " + r);
        }
    }

    @Test
    void aBodyOverTheLimit_is413_inVaultsShape() {
        // the answer comes before the body is read (and the connection closes): a client still
        // writing 2 MiB may see its write fail first, so the head alone is sent over a raw socket
        java.net.URI base = java.net.URI.create(node.base());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            String head = "POST /v1/secret/data/big HTTP/1.1\r\nHost: x\r\nX-Vault-Token: " + aliceToken
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (2 * 1024 * 1024) + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = readAnswer(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("{\"errors\":[\"request body is larger than the limit of"), answer);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKvSecret_isAKeywardSecretKey_thatOurEncryptRefusesCleanly() {
        assertEquals(200, alice.post("/v1/secret/data/own", Map.of("data", Map.of("k", "v"))).status());
        Http.Res keys = alice.get("/v1/keys?tag=vault-kv:secret");
        List<Object> found = Http.asList(keys.json().get("keys"));
        Map<String, Object> k = Http.asMap(found.stream().filter(o -> Http.asMap(o).get("name").equals("kv-secret-6f776e"))
                .findFirst().orElseThrow());
        assertEquals("secret", k.get("algorithm"));
        Http.Res enc = alice.post("/v1/keys/kv-secret-6f776e/encrypt", Map.of("plaintext", Http.b64("x")));
        assertEquals(422, enc.status(), enc.toString());
        assertEquals("invalid_state", enc.errorCode());
        assertEquals(404, alice.get("/v1/transit/keys/kv-secret-6f776e").status(), "a KV secret is no Transit key");
    }

    @Test
    void ourOwnApi_underV1_isUnchanged_andKeepsItsErrorShape() {
        Http.Res r = alice.get("/v1/keys/nope");
        assertEquals(404, r.status());
        assertEquals("not_found", r.errorCode());
        assertEquals(200, alice.get("/v1/whoami").status());
    }

    @Test
    void aMountNamedLikeOneOfOurPaths_isRefusedAtStart() {
        for (String bad : List.of("keys", "sys", "transit", "Bad-Name")) {
            Config c = Config.load(List.of("--data-dir=" + node.dir, "--port=0", "--vault-kv-mounts=" + bad), Map.of());
            ConfigException e = assertThrows(ConfigException.class, () -> Node.start(c).close());
            assertTrue(e.getMessage().contains("vault_kv_mounts"), e.getMessage());
        }
    }

    @Test
    void transitNeedsNoMountConfig_andAKeyOfAnotherUserIs404() {
        String bob = node.newUser("bob");
        assertEquals(200, alice.post("/v1/transit/keys/alices", Map.of()).status());
        Http.Res r = node.http(bob).get("/v1/transit/keys/alices");
        assertEquals(404, r.status());
        assertNotEquals(null, r.json().get("errors"));
    }

    private static Map<String, Object> data(Http.Res r) {
        assertEquals(200, r.status(), r.toString());
        return Http.asMap(Http.asMap(r.json().get("data")).get("data"));
    }

    /** One HTTP/1.1 answer with a Content-Length, read without waiting for the connection to close. */
    private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static Http.Res vault(String method, String path, String token, byte[] body) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + path))
                    .header("X-Vault-Token", token)
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
            var r = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Http.Res(r.statusCode(), r.headers().map(), r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
