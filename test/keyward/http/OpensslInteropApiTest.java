package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.TestNode;
import keyward.crypto.Rand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures from the API verify with the openssl CLI; openssl-wrapped BYOK material imports. */
class OpensslInteropApiTest {
    static TestNode node;
    static Http http;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        http = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "openssl", ".out");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl timed out");
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ": " + text);
        return text;
    }

    @Test
    void signaturesOfEveryAsymmetricKey_verifyWithOpenssl() throws Exception {
        byte[] msg = "the message to sign".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(tmp.resolve("msg"), msg);
        record Case(String alg, String scheme, String digest, List<String> sigopts) {
        }
        List<Case> cases = List.of(
                new Case("ec-p256", null, "sha256", List.of()),
                new Case("ec-p384", null, "sha384", List.of()),
                new Case("ec-p521", null, "sha512", List.of()),
                new Case("rsa-2048", null, "sha256", List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1")),
                new Case("rsa-2048", "rsa-pkcs1-sha256", "sha256", List.of()),
                new Case("rsa-3072", "rsa-pss-sha256", "sha256", List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1")),
                new Case("ed25519", null, null, List.of()));
        for (Case c : cases) {
            String id = http.post("/v1/keys", Map.of("algorithm", c.alg)).str("id");
            Files.writeString(tmp.resolve("pub.pem"), http.get("/v1/keys/" + id + "/public").str("public_key"));
            Map<String, Object> req = new java.util.HashMap<>(Map.of("message", b64(msg)));
            if (c.scheme != null) {
                req.put("algorithm", c.scheme);
            }
            Http.Res s = http.post("/v1/keys/" + id + "/sign", req);
            assertEquals(200, s.status(), c + ": " + s);
            String sig = s.str("signature");
            Files.write(tmp.resolve("sig"), java.util.Base64.getDecoder().decode(sig.substring(sig.indexOf(':', 3) + 1)));
            if (c.digest == null) {
                openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg", "-sigfile", "sig");
            } else {
                List<String> args = new ArrayList<>(List.of("dgst", "-" + c.digest));
                args.addAll(c.sigopts);
                args.addAll(List.of("-verify", "pub.pem", "-signature", "sig", "msg"));
                openssl(args.toArray(String[]::new));
            }
            if (c.digest != null) {
                // digest mode signs the same thing as message mode
                byte[] digest = java.security.MessageDigest.getInstance(c.digest.replace("sha", "SHA-")).digest(msg);
                Map<String, Object> dreq = new java.util.HashMap<>(Map.of("digest", b64(digest)));
                if (c.scheme != null) {
                    dreq.put("algorithm", c.scheme);
                }
                String dsig = http.post("/v1/keys/" + id + "/sign", dreq).str("signature");
                Files.write(tmp.resolve("sig"), java.util.Base64.getDecoder().decode(dsig.substring(dsig.indexOf(':', 3) + 1)));
                List<String> args = new ArrayList<>(List.of("dgst", "-" + c.digest));
                args.addAll(c.sigopts);
                args.addAll(List.of("-verify", "pub.pem", "-signature", "sig", "msg"));
                openssl(args.toArray(String[]::new));
            }
        }
    }

    @Test
    void byokMaterialWrappedWithOpenssl_importsAndRoundTrips() throws Exception {
        Files.writeString(tmp.resolve("wk.pem"), http.get("/v1/wrapping-key").str("public_key"));
        byte[] material = Rand.bytes(32);
        byte[] ephemeral = Rand.bytes(32);
        Files.write(tmp.resolve("mat.bin"), material);
        Files.write(tmp.resolve("aes.bin"), ephemeral);
        openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wk.pem", "-pkeyopt", "rsa_padding_mode:oaep",
                "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256", "-in", "aes.bin", "-out", "aes.enc");
        openssl("enc", "-id-aes256-wrap-pad", "-K", HexFormat.of().formatHex(ephemeral), "-iv", "A65959A6",
                "-in", "mat.bin", "-out", "mat.enc");
        byte[] a = Files.readAllBytes(tmp.resolve("aes.enc"));
        byte[] m = Files.readAllBytes(tmp.resolve("mat.enc"));
        byte[] wrapped = new byte[a.length + m.length];
        System.arraycopy(a, 0, wrapped, 0, a.length);
        System.arraycopy(m, 0, wrapped, a.length, m.length);

        Http.Res imported = http.post("/v1/keys/import", Map.of("algorithm", "aes-256-gcm", "wrapped_material", b64(wrapped),
                "exportable", true, "name", "byok-key"));
        assertEquals(201, imported.status(), imported.toString());
        assertArrayEquals(material, Http.unb64(http.post("/v1/keys/byok-key/export", Map.of()).str("material")));
        String ct = http.post("/v1/keys/byok-key/encrypt", Map.of("plaintext", b64("hello"))).str("ciphertext");
        assertEquals(b64("hello"), http.post("/v1/keys/byok-key/decrypt", Map.of("ciphertext", ct)).str("plaintext"));

        byte[] tampered = wrapped.clone();
        tampered[tampered.length - 3] ^= 1;
        Http.Res bad = http.post("/v1/keys/import", Map.of("algorithm", "aes-256-gcm", "wrapped_material", b64(tampered)));
        assertEquals(400, bad.status(), bad.toString());
    }
}
