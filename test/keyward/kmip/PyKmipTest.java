package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyward's KMIP port through the real PyKMIP 0.10 client (Debian's python3-pykmip, run with
 * /usr/bin/python3): the scripts beside this test list every check they make. pykmip_objects.py
 * covers the object model and lifecycle; its key pair is then used over REST, which refuses it
 * while it is Pre-Active and signs with it once KMIP activated it, and keys made over REST are KMIP
 * objects.
 */
class PyKmipTest {
    @TempDir
    static Path dir;

    static KmipNode k;

    @BeforeAll
    static void start() throws Exception {
        k = KmipNode.start(dir);
    }

    @AfterAll
    static void stop() {
        if (k != null) {
            k.close();
        }
    }

    @Test
    void pykmip_keyLifecycle_inEveryProtocolVersion_sixClientsAtOnce() throws Exception {
        inEveryVersion("pykmip_basic.py", "life");
    }

    /** Runs {@code script} once per protocol version PyKMIP speaks, all at once; their outputs, each ending ALL OK. */
    private static List<String> inEveryVersion(String script, String prefix) throws Exception {
        List<String> versions = List.of("1.0", "1.1", "1.2", "1.3", "1.4", "2.0");
        List<Process> running = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String v : versions) {
            Path out = dir.resolve(prefix + "-" + v + ".out");
            outputs.add(out);
            running.add(python(out, script, String.valueOf(k.kmipPort()), dir.toString(), v,
                    prefix + "-" + v.replace('.', '-')));
        }
        List<String> results = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            String output = finish(running.get(i), outputs.get(i));
            assertTrue(output.endsWith("ALL OK\n"), "KMIP " + versions.get(i) + ":\n" + output);
            results.add(output);
        }
        return results;
    }

    @Test
    void pykmip_versionsQueryBatchRefusalsAndIdentities_andKeysSharedWithRest() throws Exception {
        KmipNode.Res made = k.call("POST", "/v1/keys", k.alice, Map.of("name", "rest-made", "algorithm", "aes-256-gcm"));
        assertEquals(201, made.status(), made.body());
        String restId = (String) made.json().get("id");

        Path out = dir.resolve("more.out");
        String output = finish(python(out, "pykmip_more.py", String.valueOf(k.kmipPort()), dir.toString(), "rest-made",
                restId), out);
        assertTrue(output.endsWith("ALL OK\n"), output);
        String kmipKey = field(output, "KMIP_KEY ");
        String kmipCiphertext = field(output, "KMIP_CT ");

        // the KMIP key's ciphertext opens over REST, and the KMIP key encrypts over REST
        KmipNode.Res opened = k.call("POST", "/v1/keys/" + kmipKey + "/decrypt", k.alice,
                Map.of("ciphertext", kmipCiphertext));
        assertEquals(200, opened.status(), opened.body());
        assertEquals("made over kmip", new String(Base64.getDecoder().decode((String) opened.json().get("plaintext")),
                StandardCharsets.UTF_8));
        KmipNode.Res sealed = k.call("POST", "/v1/keys/" + kmipKey + "/encrypt", k.alice,
                Map.of("plaintext", Base64.getEncoder().encodeToString("over rest".getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, sealed.status(), sealed.body());

        // rotated over REST, the key still opens what KMIP made, and KMIP encrypts under the new version
        assertEquals(200, k.call("POST", "/v1/keys/" + kmipKey + "/rotate", k.alice, Map.of()).status());
        try (SSLSocket s = k.connect("alice")) {
            Ttlv r = KmipNode.roundTrip(s, Msg.request(104, Msg.item(Op.DECRYPT, Msg.uid(kmipKey),
                    Ttlv.bytes(Tags.DATA, kmipCiphertext.getBytes(StandardCharsets.US_ASCII)))));
            Ttlv item = Msg.items(r).get(0);
            assertEquals(Enums.SUCCESS, Msg.status(item), r.toString());
            assertEquals("made over kmip", new String(Msg.payload(item).required(Tags.DATA).asBytes(), StandardCharsets.UTF_8));
            r = KmipNode.roundTrip(s, Msg.request(104, Msg.item(Op.ENCRYPT, Msg.uid(kmipKey),
                    Ttlv.bytes(Tags.DATA, new byte[] {1, 2, 3}))));
            String ct = new String(Msg.payload(Msg.items(r).get(0)).required(Tags.DATA).asBytes(), StandardCharsets.US_ASCII);
            assertTrue(ct.startsWith("kw:v2:"), ct);
        }
    }

    @Test
    void pykmip_objectsAndLifecycle_inEveryProtocolVersion_andTheKeyPairOverRest() throws Exception {
        List<String> results = inEveryVersion("pykmip_objects.py", "obj");

        // the Pre-Active RSA pair PyKMIP made: one Keyward key, its public key the one KMIP gave
        String pair = field(results.get(4), "KP_PRE ");
        byte[] spki = HexFormat.of().parseHex(field(results.get(4), "KP_PRE_PUB "));
        KmipNode.Res meta = k.call("GET", "/v1/keys/" + pair, k.alice, null);
        assertEquals(200, meta.status(), meta.body());
        assertEquals("rsa-2048", meta.json().get("algorithm"));
        KmipNode.Res pem = k.call("GET", "/v1/keys/" + pair + "/public", k.alice, null);
        assertArrayEquals(spki, der((String) pem.json().get("public_key")));

        // Pre-Active is enforced over REST too, until KMIP activates the key
        Map<String, String> message = Map.of("message", Base64.getEncoder().encodeToString(
                "release 1.0".getBytes(StandardCharsets.UTF_8)));
        KmipNode.Res refused = k.call("POST", "/v1/keys/" + pair + "/sign", k.alice, message);
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("pre-active"), refused.body());
        try (SSLSocket s = k.connect("alice")) {
            Ttlv r = KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.ACTIVATE, Msg.uid(pair))));
            assertEquals(Enums.SUCCESS, Msg.status(Msg.items(r).get(0)), r.toString());
        }
        KmipNode.Res signed = k.call("POST", "/v1/keys/" + pair + "/sign", k.alice, message);
        assertEquals(200, signed.status(), signed.body());
        KmipNode.Res verified = k.call("POST", "/v1/keys/" + pair + "/verify", k.alice,
                Map.of("message", message.get("message"), "signature", signed.json().get("signature")));
        assertEquals(Boolean.TRUE, verified.json().get("valid"), verified.body());
    }

    @Test
    void keysMadeOverRest_areKmipObjects_aPairAsTwo() throws Exception {
        String ec = (String) k.call("POST", "/v1/keys", k.alice, Map.of("name", "rest-ec", "algorithm", "ec-p384"))
                .json().get("id");
        String aes = (String) k.call("POST", "/v1/keys", k.alice, Map.of("name", "rest-aes192", "algorithm",
                "aes-192-gcm", "exportable", true)).json().get("id");
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("Ed25519");
        byte[] spkiOnly = gen.generateKeyPair().getPublic().getEncoded();
        KmipNode.Res imported = k.call("POST", "/v1/keys/import", k.alice, Map.of("algorithm", "ed25519", "material",
                Base64.getEncoder().encodeToString(spkiOnly), "exportable", true));
        assertEquals(201, imported.status(), imported.body());
        String publicOnly = (String) imported.json().get("id");
        try (SSLSocket s = k.connect("alice")) {
            Ttlv r = KmipNode.roundTrip(s, Msg.request(200, true,
                    Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(KeyObjects.name(Tags.NAME, "rest-ec")))),
                    Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(
                            Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.EC),
                            Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 384)))),
                    Msg.item(Op.GET, Msg.uid(ec + "-pub")),
                    Msg.item(Op.GET, Msg.uid(aes)),
                    Msg.item(Op.GET, Msg.uid(publicOnly)),
                    Msg.item(Op.GET, Msg.uid(publicOnly + "-pub"))));
            List<Ttlv> items = Msg.items(r);
            assertEquals(List.of(ec), uids(items.get(0)));
            assertTrue(uids(items.get(1)).containsAll(List.of(ec, ec + "-pub")), uids(items.get(1)).toString());
            byte[] spki = Msg.payload(items.get(2)).required(Tags.PUBLIC_KEY).required(Tags.KEY_BLOCK)
                    .required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes();
            assertArrayEquals(der((String) k.call("GET", "/v1/keys/" + ec + "/public", k.alice, null).json()
                    .get("public_key")), spki);
            byte[] key = Msg.payload(items.get(3)).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK)
                    .required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes();
            assertEquals(24, key.length, "an AES-192 key made over REST");
            assertEquals(Reason.ITEM_NOT_FOUND.code, Msg.reason(items.get(4)), "a public key imported alone has no"
                    + " Private Key");
            assertArrayEquals(spkiOnly, Msg.payload(items.get(5)).required(Tags.PUBLIC_KEY).required(Tags.KEY_BLOCK)
                    .required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes());
        }
    }

    private static List<String> uids(Ttlv item) {
        assertEquals(Enums.SUCCESS, Msg.status(item), String.valueOf(JsonTtlv.toJson(item)));
        return Msg.payload(item).all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList();
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String field(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + "missing in:\n" + output)).substring(prefix.length());
    }

    static Process python(Path out, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3",
                Path.of(PyKmipTest.class.getResource(script).toURI()).toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    static String finish(Process p, Path out) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("PyKMIP timed out:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
