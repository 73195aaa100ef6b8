package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
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
 * /usr/bin/python3): the scripts beside this test list every check they make.
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
        List<String> versions = List.of("1.0", "1.1", "1.2", "1.3", "1.4", "2.0");
        List<Process> running = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String v : versions) {
            Path out = dir.resolve("basic-" + v + ".out");
            outputs.add(out);
            running.add(python(out, "pykmip_basic.py", String.valueOf(k.kmipPort()), dir.toString(), v,
                    "life-" + v.replace('.', '-')));
        }
        for (int i = 0; i < running.size(); i++) {
            String output = finish(running.get(i), outputs.get(i));
            assertTrue(output.endsWith("ALL OK\n"), "KMIP " + versions.get(i) + ":\n" + output);
        }
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
