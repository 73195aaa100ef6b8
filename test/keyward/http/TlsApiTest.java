package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import keyward.Http;
import keyward.TestNode;
import keyward.config.Config;
import keyward.config.ConfigException;
import keyward.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the API, checked with the system curl and openssl against a throwaway CA: client
 * certificates authenticate as their CN, other CAs are refused in the handshake, bearer tokens
 * keep working, TLS 1.2 and 1.3 only with forward-secret AEAD suites, PEM and PKCS#12 server files.
 */
class TlsApiTest {
    private static final Pattern CODE = Pattern.compile("code=(\\d{3})");

    @TempDir
    static Path dir;

    static TlsPki pki;
    static TestNode node;
    static SSLContext trustCa;

    @BeforeAll
    static void start() throws Exception {
        pki = new TlsPki(dir);
        pki.ca("ca");
        pki.ca("other");
        pki.server("server", "ca", false);
        pki.client("alice", "/CN=alice", "ca");
        pki.client("stranger", "/CN=alice", "other");
        pki.client("nobody", "/CN=nobody", "ca");
        pki.client("star", "/CN=*", "ca");
        pki.client("nocn", "/O=Keyward Tests", "ca");
        pki.client("twocn", "/CN=alice/CN=bob", "ca");
        pki.clientWithEmptyCn("emptycn", "ca");
        node = TestNode.start("--tls-cert-file=" + pki.file("server.pem"), "--tls-key-file=" + pki.file("server.key"),
                "--clients-ca-cert-file=" + pki.file("ca.pem"));
        trustCa = pki.trusting("ca");
        assertEquals(201, https(node, node.adminToken, "POST", "/v1/users", Map.of("name", "alice")).statusCode());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String url(TestNode n, String path) {
        return "https://127.0.0.1:" + n.node.port() + path;
    }

    /** A call from Java's HttpClient, trusting the test CA and presenting no certificate. */
    static HttpResponse<String> https(TestNode n, String token, String method, String path, Object body)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustCa).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(n, path))).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** curl's answer: its exit, the HTTP status (0 when there was none) and the body. */
    record Curl(int exit, int status, String body, String output) {
    }

    static Curl curl(String path, String cert, String token, String... tlsFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "15", "--cacert", "ca.pem",
                "-o", "curl.body", "-w", "\ncode=%{http_code}\n"));
        cmd.addAll(List.of(tlsFlags));
        if (cert != null) {
            cmd.addAll(List.of("--cert", cert + ".pem", "--key", cert + ".key"));
        }
        if (token != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        Files.deleteIfExists(pki.file("curl.body"));
        cmd.add(url(node, path));
        TlsPki.Run r = pki.exec(30, cmd);
        Matcher m = CODE.matcher(r.output());
        int status = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String body = Files.exists(pki.file("curl.body")) ? Files.readString(pki.file("curl.body")) : "";
        return new Curl(r.exit(), status, body, r.output());
    }

    static TlsPki.Run sClient(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl", "s_client", "-brief", "-CAfile", "ca.pem",
                "-connect", "127.0.0.1:" + node.node.port()));
        cmd.addAll(List.of(flags));
        return pki.exec(30, cmd);
    }

    @Test
    void curlWithAClientCertificate_isAuthenticatedAsItsCn_overTls12And13() throws Exception {
        for (String v : List.of("1.2", "1.3")) {
            Curl c = curl("/v1/whoami", "alice", null, "--tlsv" + v, "--tls-max", v);
            assertEquals(200, c.status(), "TLS " + v + ": " + c.output());
            Map<String, Object> who = Http.asMap(Json.parse(c.body().getBytes(StandardCharsets.UTF_8),
                    Json.Limits.DEFAULT));
            assertEquals("alice", who.get("user"));
            assertEquals(false, who.get("admin"));
        }
        Curl key = curl("/v1/keys", "alice", null);
        assertEquals(200, key.status(), key.output());
    }

    @Test
    void aCertificateFromAnotherCa_isRefusedDuringTheHandshake() throws Exception {
        Curl c = curl("/v1/whoami", "stranger", null);
        assertNotEquals(0, c.exit(), c.output());
        assertEquals(0, c.status(), "no HTTP answer at all: " + c.output());
        TlsPki.Run s = sClient("-cert", "stranger.pem", "-key", "stranger.key", "-tls1_2");
        assertNotEquals(0, s.exit(), s.output());
        assertFalse(s.output().contains("CONNECTION ESTABLISHED"), s.output());
    }

    @Test
    void certificatesThatNameNoSingleValidUser_areRefusedWithThe401() throws Exception {
        for (String cert : List.of("nobody", "star", "nocn", "twocn", "emptycn")) {
            Curl c = curl("/v1/whoami", cert, null);
            assertEquals(401, c.status(), cert + ": " + c.output());
            assertTrue(c.body().contains("\"unauthenticated\""), cert + ": " + c.body());
        }
    }

    @Test
    void bearerTokens_keepWorkingBesideClientCertificates() throws Exception {
        HttpResponse<String> bearer = https(node, node.adminToken, "GET", "/v1/whoami", null);
        assertEquals(200, bearer.statusCode());
        assertTrue(bearer.body().contains("\"admin\""), bearer.body());
        assertEquals(401, https(node, null, "GET", "/v1/whoami", null).statusCode());
        assertEquals(200, https(node, null, "GET", "/health", null).statusCode());
        Curl both = curl("/v1/whoami", "alice", node.adminToken);
        assertTrue(both.body().contains("\"user\":\"admin\""), "the bearer token decides: " + both.body());
        Curl wrongToken = curl("/v1/whoami", "alice", "kw_wrong");
        assertEquals(401, wrongToken.status(), "a bad token is not rescued by the certificate");
    }

    @Test
    void tls11_isRefused_andTls12And13_work() throws Exception {
        Curl old = curl("/health", null, null, "--tlsv1.1", "--tls-max", "1.1");
        assertNotEquals(0, old.exit(), old.output());
        assertEquals(0, old.status(), old.output());
        // openssl with its own floor lowered, so that the refusal is the server's
        TlsPki.Run s11 = sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertNotEquals(0, s11.exit(), s11.output());
        assertFalse(s11.output().contains("CONNECTION ESTABLISHED")
                || s11.output().contains("no protocols available"), s11.output());

        for (String v : List.of("1.2", "1.3")) {
            Curl c = curl("/v1/whoami", null, node.adminToken, "--tlsv" + v, "--tls-max", v);
            assertEquals(200, c.status(), "TLS " + v + ": " + c.output());
        }
        TlsPki.Run s12 = sClient("-tls1_2");
        assertEquals(0, s12.exit(), s12.output());
        assertTrue(s12.output().contains("TLSv1.2"), s12.output());
        assertTrue(s12.output().contains("ECDHE-ECDSA-AES256-GCM-SHA384")
                || s12.output().contains("ECDHE-ECDSA-AES128-GCM-SHA256")
                || s12.output().contains("ECDHE-ECDSA-CHACHA20-POLY1305"), s12.output());
        TlsPki.Run s13 = sClient("-tls1_3");
        assertEquals(0, s13.exit(), s13.output());
        assertTrue(s13.output().contains("TLSv1.3"), s13.output());
    }

    @Test
    void suitesWithoutForwardSecrecyOrAead_areRefused() throws Exception {
        for (String suite : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256")) {
            TlsPki.Run s = sClient("-tls1_2", "-cipher", suite + "@SECLEVEL=0");
            assertNotEquals(0, s.exit(), suite + ": " + s.output());
            assertFalse(s.output().contains("CONNECTION ESTABLISHED") || s.output().contains("no cipher"),
                    suite + ": " + s.output());
        }
    }

    @Test
    void aPkcs12ServerConfig_servesHttps() throws Exception {
        pki.server("rsaserver", "ca", true);
        pki.p12("rsaserver", "p12 pass word");
        try (TestNode p12 = TestNode.start("--tls-p12-file=" + pki.file("rsaserver.p12"),
                "--tls-p12-password-file=" + pki.file("rsaserver.p12pass"))) {
            HttpResponse<String> r = https(p12, p12.adminToken, "GET", "/v1/whoami", null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("TLSv1.3", r.sslSession().orElseThrow().getProtocol());
        }
    }

    @Test
    void unusableTlsFiles_failAtStart_namingTheSetting() throws Exception {
        pki.server("spare", "ca", false);
        ConfigException mismatch = assertThrows(ConfigException.class, () -> keyward.server.Tls.serverContext(
                Config.load(List.of("--tls-cert-file=" + pki.file("server.pem"),
                        "--tls-key-file=" + pki.file("spare.key")), Map.of())));
        assertTrue(mismatch.getMessage().contains("'tls_key_file'"), mismatch.getMessage());

        pki.p12("spare", "s3cr3t-right");
        Files.writeString(pki.file("wrong.pass"), "s3cr3t-wrong\n");
        ConfigException badPassword = assertThrows(ConfigException.class, () -> keyward.server.Tls.serverContext(
                Config.load(List.of("--tls-p12-file=" + pki.file("spare.p12"),
                        "--tls-p12-password-file=" + pki.file("wrong.pass")), Map.of())));
        assertTrue(badPassword.getMessage().contains("'tls_p12_file'"), badPassword.getMessage());
        assertFalse(badPassword.getMessage().contains("s3cr3t"), badPassword.getMessage());

        ConfigException notPem = assertThrows(ConfigException.class, () -> keyward.server.Tls.serverContext(
                Config.load(List.of("--tls-cert-file=" + pki.file("wrong.pass"),
                        "--tls-key-file=" + pki.file("spare.key")), Map.of())));
        assertTrue(notPem.getMessage().contains("'tls_cert_file'"), notPem.getMessage());
    }
}
