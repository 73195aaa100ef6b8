package keyward.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import keyward.json.Json;
import keyward.kmip.Ttlv;
import keyward.kmip.TtlvCodec;

/**
 * {@code make bench}'s KMIP scenarios: one Keyward server with HTTPS and its KMIP port (mutual
 * TLS, docs/kmip.md), loaded over persistent TLS connections by {@link TlsLoad}:
 * <ul>
 *   <li>{@code kmip-encrypt-64B}, {@code kmip-get} (an AES-256 key, Raw) and {@code kmip-create}
 *       (AES-256) in binary TTLV on the KMIP port;</li>
 *   <li>{@code kmip-json-encrypt-64B}: the same Encrypt in KMIP's JSON form, {@code POST /kmip/2_1};</li>
 *   <li>{@code https-encrypt-64B}: REST encrypt on the same key over the same kind of connection,
 *       so that what differs from the KMIP rows is the protocol, not TLS.</li>
 * </ul>
 * Usage: {@code kmip --label=L --out=RESULTS.jsonl --certs=DIR --token-file=F --log=F
 * [--seconds=4] [--warmup=2] [--connections=32] [--server-warmup=6] -- <server command>}; DIR holds
 * {@code ca.pem} and {@code client.p12} (password {@code bench}) for the user the token is of.
 */
final class KmipBench {
    static final List<String> SCENARIOS = List.of("kmip-encrypt-64B", "kmip-get", "kmip-create", "kmip-json-encrypt-64B",
            "https-encrypt-64B");

    // KMIP tags (KMIP 1.4 and 2.1 section 9.1.3.1) and the few enumeration values used here
    private static final int ATTRIBUTE = 0x420008;
    private static final int ATTRIBUTE_NAME = 0x42000A;
    private static final int ATTRIBUTE_VALUE = 0x42000B;
    private static final int BATCH_COUNT = 0x42000D;
    private static final int BATCH_ITEM = 0x42000F;
    private static final int CRYPTOGRAPHIC_ALGORITHM = 0x420028;
    private static final int DATA = 0x4200C2;
    private static final int OBJECT_TYPE = 0x420057;
    private static final int OPERATION = 0x42005C;
    private static final int PROTOCOL_VERSION = 0x420069;
    private static final int PROTOCOL_VERSION_MAJOR = 0x42006A;
    private static final int PROTOCOL_VERSION_MINOR = 0x42006B;
    private static final int REQUEST_HEADER = 0x420077;
    private static final int REQUEST_MESSAGE = 0x420078;
    private static final int REQUEST_PAYLOAD = 0x420079;
    private static final int TEMPLATE_ATTRIBUTE = 0x420091;
    private static final int UNIQUE_IDENTIFIER = 0x420094;
    private static final int OP_CREATE = 0x01;
    private static final int OP_GET = 0x0A;
    private static final int OP_ACTIVATE = 0x12;
    private static final int OP_ENCRYPT = 0x1F;
    private static final int SYMMETRIC_KEY = 0x02;
    private static final int AES = 0x03;

    private final Flags flags;
    private final Random random = new Random(42);

    private KmipBench(String[] args) {
        this.flags = new Flags("kmip", args);
    }

    static void main(String[] args) throws Exception {
        new KmipBench(args).run();
    }

    private String opt(String name, String fallback) {
        return flags.get(name, fallback);
    }

    private void run() throws Exception {
        String label = opt("label", null);
        Path out = Path.of(opt("out", null));
        Path certs = Path.of(opt("certs", null));
        String token = Files.readString(Path.of(opt("token-file", null))).trim();
        Duration warmup = seconds(opt("warmup", "2"));
        Duration window = seconds(opt("seconds", "4"));
        int connections = Integer.parseInt(opt("connections", "32"));
        SSLContext tls = clientTls(certs);
        int kmipPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            kmipPort = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(flags.server);
        cmd.add("--kmip-port=" + kmipPort);
        try (ServerProcess server = ServerProcess.start(cmd, Path.of(opt("log", null)))) {
            long readyMs = server.awaitReady(60_000, () -> https(tls, server.port, "GET", "/ready", null, null).startsWith("HTTP/1.1 200"));
            System.err.printf(Locale.ROOT, "%s: ready in %d ms (HTTPS port %d, KMIP port %d)%n", label, readyMs, server.port, kmipPort);
            String uid = setUp(tls, kmipPort);
            Map<String, Scenario> scenarios = scenarios(uid, server.port, kmipPort, token);
            // the JIT's first compilation of TLS, TTLV and the core belongs in no scenario's numbers
            Scenario first = scenarios.get("kmip-encrypt-64B");
            TlsLoad.run(tls, first.port, first.requests, first.framing, connections, seconds(opt("server-warmup", "6")),
                    Duration.ZERO, Load.Window.NONE);
            for (String name : opt("scenarios", String.join(",", SCENARIOS)).split(",")) {
                Scenario sc = scenarios.get(name);
                if (sc == null) {
                    throw new IllegalArgumentException("kmip: unknown scenario '" + name + "'; known: " + SCENARIOS);
                }
                Measure.append(out, measure(server, tls, label, name, sc, connections, warmup, window));
            }
        }
    }

    /** A scenario's requests, the port they go to and how their answers are framed. */
    private record Scenario(List<byte[]> requests, int port, TlsLoad.Framing framing) {
    }

    private Map<String, Scenario> scenarios(String uid, int httpsPort, int kmipPort, String token) {
        Map<String, Scenario> m = new LinkedHashMap<>();
        m.put("kmip-encrypt-64B", new Scenario(List.of(message(1, 4, OP_ENCRYPT,
                List.of(text(UNIQUE_IDENTIFIER, uid), new Ttlv(DATA, Ttlv.Type.BYTE_STRING, bytes(64))))), kmipPort, TlsLoad.TTLV));
        m.put("kmip-get", new Scenario(List.of(message(1, 4, OP_GET, List.of(text(UNIQUE_IDENTIFIER, uid)))),
                kmipPort, TlsLoad.TTLV));
        m.put("kmip-create", new Scenario(List.of(createAes256()), kmipPort, TlsLoad.TTLV));
        String json = "{\"tag\":\"RequestMessage\",\"type\":\"Structure\",\"value\":["
                + "{\"tag\":\"RequestHeader\",\"type\":\"Structure\",\"value\":["
                + "{\"tag\":\"ProtocolVersion\",\"type\":\"Structure\",\"value\":["
                + "{\"tag\":\"ProtocolVersionMajor\",\"type\":\"Integer\",\"value\":2},"
                + "{\"tag\":\"ProtocolVersionMinor\",\"type\":\"Integer\",\"value\":1}]},"
                + "{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":1}]},"
                + "{\"tag\":\"BatchItem\",\"type\":\"Structure\",\"value\":["
                + "{\"tag\":\"Operation\",\"type\":\"Enumeration\",\"value\":\"Encrypt\"},"
                + "{\"tag\":\"RequestPayload\",\"type\":\"Structure\",\"value\":["
                + "{\"tag\":\"UniqueIdentifier\",\"type\":\"TextString\",\"value\":\"" + uid + "\"},"
                + "{\"tag\":\"Data\",\"type\":\"ByteString\",\"value\":\"" + HexFormat.of().formatHex(bytes(64)) + "\"}]}]}]}";
        m.put("kmip-json-encrypt-64B", new Scenario(List.of(Http.request("POST", "/kmip/2_1", httpsPort, token, json, true)),
                httpsPort, jsonTtlvFraming()));
        String body = "{\"plaintext\":\"" + java.util.Base64.getEncoder().encodeToString(bytes(64)) + "\"}";
        m.put("https-encrypt-64B", new Scenario(List.of(Http.request("POST", "/v1/keys/" + uid + "/encrypt", httpsPort, token,
                body, true)), httpsPort, TlsLoad.HTTP));
        return m;
    }

    /** JSON TTLV answers 200 also for a failed operation: success is a Result Status of Success in the body. */
    private static TlsLoad.Framing jsonTtlvFraming() {
        byte[] success = "\"ResultStatus\",\"type\":\"Enumeration\",\"value\":\"Success\"".getBytes(StandardCharsets.US_ASCII);
        return new TlsLoad.Framing() {
            @Override
            public int length(byte[] buf, int have) throws IOException {
                return TlsLoad.HTTP.length(buf, have);
            }

            @Override
            public String failure(byte[] response, int length) {
                String http = TlsLoad.HTTP.failure(response, length);
                if (http != null) {
                    return http;
                }
                return Load.indexOf(response, length, success) >= 0 ? null
                        : new String(response, 0, Math.min(length, 400), StandardCharsets.UTF_8);
            }
        };
    }

    /** An active AES-256 key of the bench user, made over KMIP as a client would: Create, then Activate. */
    private String setUp(SSLContext tls, int kmipPort) throws IOException {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", kmipPort)) {
            s.setSoTimeout(30_000);
            Ttlv created = exchange(s, createAes256());
            String uid = (String) find(created, UNIQUE_IDENTIFIER).value();
            exchange(s, message(1, 4, OP_ACTIVATE, List.of(text(UNIQUE_IDENTIFIER, uid))));
            return uid;
        }
    }

    private byte[] createAes256() {
        return message(1, 4, OP_CREATE, List.of(new Ttlv(OBJECT_TYPE, Ttlv.Type.ENUMERATION, SYMMETRIC_KEY),
                structure(TEMPLATE_ATTRIBUTE, List.of(
                        attribute("Cryptographic Algorithm", new Ttlv(ATTRIBUTE_VALUE, Ttlv.Type.ENUMERATION, AES)),
                        attribute("Cryptographic Length", new Ttlv(ATTRIBUTE_VALUE, Ttlv.Type.INTEGER, 256))))));
    }

    private static Ttlv attribute(String name, Ttlv value) {
        return structure(ATTRIBUTE, List.of(text(ATTRIBUTE_NAME, name), value));
    }

    /** One binary request message with one batch item. */
    private static byte[] message(int major, int minor, int operation, List<Ttlv> payload) {
        Ttlv header = structure(REQUEST_HEADER, List.of(
                structure(PROTOCOL_VERSION, List.of(new Ttlv(PROTOCOL_VERSION_MAJOR, Ttlv.Type.INTEGER, major),
                        new Ttlv(PROTOCOL_VERSION_MINOR, Ttlv.Type.INTEGER, minor))),
                new Ttlv(BATCH_COUNT, Ttlv.Type.INTEGER, 1)));
        Ttlv item = structure(BATCH_ITEM, List.of(new Ttlv(OPERATION, Ttlv.Type.ENUMERATION, operation),
                structure(REQUEST_PAYLOAD, payload)));
        return TtlvCodec.encode(structure(REQUEST_MESSAGE, List.of(header, item)));
    }

    /** Sends one message and reads its answer, insisting on Result Status Success. */
    private static Ttlv exchange(SSLSocket s, byte[] request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = s.getInputStream();
        byte[] header = in.readNBytes(8);
        if (header.length < 8) {
            throw new IOException("the KMIP port closed the connection instead of answering");
        }
        byte[] value = in.readNBytes(ByteBuffer.wrap(header, 4, 4).getInt());
        byte[] all = new byte[8 + value.length];
        System.arraycopy(header, 0, all, 0, 8);
        System.arraycopy(value, 0, all, 8, value.length);
        String failure = TlsLoad.TTLV.failure(all, all.length);
        if (failure != null) {
            throw new IOException("setting up the KMIP scenarios: " + failure);
        }
        return TtlvCodec.decode(all, TtlvCodec.Limits.forBytes(1 << 20));
    }

    private static Ttlv find(Ttlv t, int tag) {
        if (t.tag() == tag) {
            return t;
        }
        if (t.type() == Ttlv.Type.STRUCTURE) {
            for (Ttlv child : t.items()) {
                Ttlv hit = find(child, tag);
                if (hit != null) {
                    return hit;
                }
            }
        }
        return null;
    }

    /** One request over a fresh TLS connection (readiness); the answer's head and body as text. */
    private static String https(SSLContext tls, int port, String method, String path, String token, String body)
            throws IOException {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(Http.request(method, path, port, token, body, false));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Object> measure(ServerProcess server, SSLContext tls, String label, String name, Scenario sc,
                                               int connections, Duration warmup, Duration window) throws Exception {
        server.resetPeak();
        long[] cpu = new long[2];
        Load.Result r = TlsLoad.run(tls, sc.port, sc.requests, sc.framing, connections, warmup, window, new Load.Window() {
            @Override
            public void opened() throws IOException {
                cpu[0] = server.cpuMillis();
            }

            @Override
            public void closed() throws IOException {
                cpu[1] = server.cpuMillis();
            }
        });
        Map<String, Object> row = Measure.scenarioRow(label, name, connections, 1, r, cpu[1] - cpu[0], server.peakRssMb());
        Measure.report(label, name, r);
        return row;
    }

    private static SSLContext clientTls(Path certs) throws Exception {
        KeyStore client = KeyStore.getInstance("PKCS12");
        char[] password = "bench".toCharArray();
        try (InputStream in = Files.newInputStream(certs.resolve("client.p12"))) {
            client.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(client, password);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static Ttlv structure(int tag, List<Ttlv> items) {
        return new Ttlv(tag, Ttlv.Type.STRUCTURE, items);
    }

    private static Ttlv text(int tag, String v) {
        return new Ttlv(tag, Ttlv.Type.TEXT_STRING, v);
    }

    private static Duration seconds(String s) {
        return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
    }
}
