package keyward.kmip;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import keyward.TestNode;
import keyward.json.Json;

/**
 * A real Keyward server with HTTPS and the KMIP port on, for the KMIP tests: a throwaway PKI
 * (CA "ca", server certificate, clients alice, bob, nobody (no such user), stranger (CN alice,
 * signed by another CA)), users alice and bob with their API tokens, and small HTTPS and TTLV
 * clients.
 */
final class KmipNode implements AutoCloseable {
    final Pki pki;
    final TestNode node;
    final String alice;
    final String bob;
    private final HttpClient http;

    private KmipNode(Pki pki, TestNode node, String alice, String bob, HttpClient http) {
        this.pki = pki;
        this.node = node;
        this.alice = alice;
        this.bob = bob;
        this.http = http;
    }

    static KmipNode start(Path dir, String... flags) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Pki pki = new Pki(dir);
        pki.ca("ca");
        pki.ca("other");
        pki.server("server", "ca");
        pki.client("alice", "alice", "ca");
        pki.client("bob", "bob", "ca");
        pki.client("nobody", "nobody", "ca");
        pki.client("stranger", "alice", "other");
        List<String> all = new ArrayList<>(List.of("--tls-cert-file=" + pki.file("server.pem"),
                "--tls-key-file=" + pki.file("server.key"), "--clients-ca-cert-file=" + pki.file("ca.pem"),
                "--kmip-port=" + freePort()));
        all.addAll(Arrays.asList(flags));
        TestNode node = TestNode.start(all.toArray(String[]::new));
        HttpClient http = HttpClient.newBuilder().sslContext(pki.client("alice", "ca"))
                .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        KmipNode k = new KmipNode(pki, node, null, null, http);
        String alice = k.newUser("alice");
        String bob = k.newUser("bob");
        return new KmipNode(pki, node, alice, bob, http);
    }

    /** A port nobody listens on now (KMIP's port 0 means "off", so tests pick one). */
    static int freePort() {
        return keyward.TestPorts.free();
    }

    int kmipPort() {
        return node.node.kmipPort();
    }

    private String newUser(String name) throws Exception {
        Res r = call("POST", "/v1/users", node.adminToken, Map.of("name", name));
        if (r.status != 201) {
            throw new AssertionError("create user " + name + ": " + r);
        }
        return (String) r.json().get("token");
    }

    record Res(int status, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), Json.Limits.DEFAULT);
        }
    }

    /** An HTTPS call with a bearer token (or none) and a JSON body (or none); the client certificate is alice's. */
    Res call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.node.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body instanceof byte[] raw ? raw : Json.writeBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), r.body());
    }

    /** A TLS connection to the KMIP port as {@code who} (a client certificate of the test PKI). */
    SSLSocket connect(String who) throws Exception {
        SSLContext ctx = pki.client(who, "ca");
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", kmipPort());
        s.setSoTimeout(30_000);
        s.startHandshake();
        return s;
    }

    /** Sends one message and reads one answer. */
    static Ttlv roundTrip(SSLSocket s, Ttlv request) throws IOException {
        send(s, TtlvCodec.encode(request));
        return TtlvCodec.decode(readFrame(s), TtlvCodec.Limits.forBytes(1 << 20));
    }

    static void send(SSLSocket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    static byte[] readFrame(SSLSocket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] header = new byte[8];
        in.readFully(header);
        int length = (int) TtlvCodec.declaredLength(header);
        byte[] all = Arrays.copyOf(header, 8 + length);
        in.readFully(all, 8, length);
        return all;
    }

    @Override
    public void close() {
        node.close();
    }
}
