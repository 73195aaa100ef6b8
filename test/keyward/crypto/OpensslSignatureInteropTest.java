package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import keyward.crypto.Signatures.Scheme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our signatures are the standard ones: openssl checks them, and we check openssl's. */
class OpensslSignatureInteropTest {

    private static final byte[] MESSAGE = "interop message\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenssl() {
        keyward.store.TestDatabases.require("openssl CLI (apt-get install openssl)", Openssl.available());
    }

    @Test
    void everyAlgorithmAndScheme_inMessageAndDigestMode_verifiesWithOpenssl() throws Exception {
        Files.write(dir.resolve("msg.bin"), MESSAGE);
        for (Object[] p : SignaturesTest.pairs()) {
            Algorithm a = (Algorithm) p[0];
            Scheme s = (Scheme) p[1];
            KeyMaterial key = TestKeys.of(a);
            Files.writeString(dir.resolve("pub.pem"), Pem.publicKeyPem(key.publicKey()));
            Files.write(dir.resolve("sig.bin"), Signatures.sign(a, key, s, MESSAGE, false));
            Openssl.ok(dir, verifyArgs(s));
            if (s != Scheme.ED25519) {
                Files.write(dir.resolve("sig.bin"), Signatures.sign(a, key, s, s.hash.digest(MESSAGE), true));
                Openssl.ok(dir, verifyArgs(s));
            }
        }
    }

    @Test
    void flippedSignature_isRejectedByOpenssl() throws Exception {
        Files.write(dir.resolve("msg.bin"), MESSAGE);
        for (Algorithm a : new Algorithm[] {Algorithm.EC_P256, Algorithm.RSA_2048, Algorithm.ED25519}) {
            Scheme s = Signatures.scheme(a, null);
            Files.writeString(dir.resolve("pub.pem"), Pem.publicKeyPem(TestKeys.of(a).publicKey()));
            byte[] sig = Signatures.sign(a, TestKeys.of(a), s, MESSAGE, false);
            sig[sig.length / 2] ^= 1;
            Files.write(dir.resolve("sig.bin"), sig);
            assertNotEquals(0, Openssl.run(dir, verifyArgs(s)).exit(), a.id());
        }
    }

    @Test
    void ecdsaOverADigest_verifiesWithOpensslPkeyutl() throws Exception {
        KeyMaterial key = TestKeys.of(Algorithm.EC_P384);
        byte[] digest = Hash.SHA384.digest(MESSAGE);
        Files.write(dir.resolve("digest.bin"), digest);
        Files.writeString(dir.resolve("pub.pem"), Pem.publicKeyPem(key.publicKey()));
        Files.write(dir.resolve("sig.bin"), Signatures.sign(Algorithm.EC_P384, key, Scheme.ECDSA_SHA384, digest, true));
        String out = Openssl.ok(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-in", "digest.bin",
                "-sigfile", "sig.bin");
        assertTrue(out.contains("Signature Verified Successfully"), out);
    }

    @Test
    void opensslSignatures_verifyHere() throws Exception {
        Files.write(dir.resolve("msg.bin"), MESSAGE);
        for (Algorithm a : new Algorithm[] {Algorithm.EC_P256, Algorithm.EC_P521, Algorithm.RSA_2048, Algorithm.ED25519}) {
            KeyMaterial key = TestKeys.of(a);
            Files.writeString(dir.resolve("priv.pem"), "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(key.secret().revealBytes()) + "\n-----END PRIVATE KEY-----\n");
            for (Scheme s : a == Algorithm.RSA_2048 ? new Scheme[] {Scheme.RSA_PSS_SHA384, Scheme.RSA_PKCS1_SHA256}
                    : new Scheme[] {Signatures.scheme(a, null)}) {
                List<String> args = new ArrayList<>();
                if (s == Scheme.ED25519) {
                    args.addAll(List.of("pkeyutl", "-sign", "-inkey", "priv.pem", "-rawin", "-in", "msg.bin", "-out", "sig.bin"));
                } else {
                    args.addAll(List.of("dgst", "-" + s.hash.shortName(), "-sign", "priv.pem", "-out", "sig.bin"));
                    args.addAll(pssOptions(s));
                    args.add("msg.bin");
                }
                Openssl.ok(dir, args.toArray(String[]::new));
                byte[] sig = Files.readAllBytes(dir.resolve("sig.bin"));
                assertTrue(Signatures.verify(a, key.publicKey(), s, MESSAGE, false, sig), a.id() + " " + s.id());
            }
        }
    }

    @Test
    void opensslGeneratedPrivateKeys_importWithTheSamePublicKey() throws Exception {
        String[][] gens = {
            {"ec-p256", "EC", "ec_paramgen_curve:P-256"},
            {"ec-p384", "EC", "ec_paramgen_curve:P-384"},
            {"ec-p521", "EC", "ec_paramgen_curve:P-521"},
            {"ed25519", "ED25519", null},
            {"rsa-2048", "RSA", "rsa_keygen_bits:2048"},
        };
        for (String[] g : gens) {
            Files.deleteIfExists(dir.resolve("k.pem"));
            List<String> args = new ArrayList<>(List.of("genpkey", "-algorithm", g[1], "-out", "k.pem"));
            if (g[2] != null) {
                args.addAll(List.of("-pkeyopt", g[2]));
            }
            Openssl.ok(dir, args.toArray(String[]::new));
            // genpkey's DER is the type-specific form (SEC1, PKCS#1); the API takes PKCS#8
            Openssl.ok(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out", "k.der");
            Openssl.ok(dir, "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der");
            Algorithm a = Algorithm.parse(g[0]).orElseThrow();
            KeyMaterial imported = Keys.importMaterial(a, Files.readAllBytes(dir.resolve("k.der")));
            assertArrayEquals(Files.readAllBytes(dir.resolve("pub.der")), imported.publicKey(), g[0]);
            Scheme s = Signatures.scheme(a, null);
            assertTrue(Signatures.verify(a, imported.publicKey(), s, MESSAGE, false,
                    Signatures.sign(a, imported, s, MESSAGE, false)), g[0]);
        }
    }

    @Test
    void publicKeyPem_isWhatOpensslReads() throws Exception {
        byte[] spki = TestKeys.of(Algorithm.EC_P256).publicKey();
        Files.writeString(dir.resolve("pub.pem"), Pem.publicKeyPem(spki));
        Openssl.ok(dir, "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der");
        assertArrayEquals(spki, Files.readAllBytes(dir.resolve("pub.der")));
        String pem = Openssl.ok(dir, "pkey", "-pubin", "-in", "pub.pem");
        assertEquals(Pem.publicKeyPem(spki), pem);
    }

    private static String[] verifyArgs(Scheme s) {
        if (s == Scheme.ED25519) {
            return new String[] {"pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg.bin",
                "-sigfile", "sig.bin"};
        }
        List<String> args = new ArrayList<>(List.of("dgst", "-" + s.hash.shortName(), "-verify", "pub.pem",
                "-signature", "sig.bin"));
        args.addAll(pssOptions(s));
        args.add("msg.bin");
        return args.toArray(String[]::new);
    }

    /** PSS with MGF1 on the same hash and a salt as long as the hash, stated explicitly so openssl checks it. */
    private static List<String> pssOptions(Scheme s) {
        if (!s.id().startsWith("rsa-pss")) {
            return List.of();
        }
        return List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:" + s.hash.length,
                "-sigopt", "rsa_mgf1_md:" + s.hash.shortName());
    }
}
