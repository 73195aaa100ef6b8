package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByokTest {

    private static final String REFUSED = "wrapped_material could not be unwrapped with the server's wrapping key";

    @TempDir
    Path dir;

    @Test
    void generateWrappingKey_isRsa4096AndRoundTrips() {
        KeyPair pair = Byok.generateWrappingKey();
        assertEquals(4096, ((RSAPublicKey) pair.getPublic()).getModulus().bitLength());
        byte[] material = Rand.bytes(32);
        byte[] wrapped = Byok.wrap(pair.getPublic(), material);
        assertEquals(512 + 40, wrapped.length);
        assertArrayEquals(material, Byok.unwrap(pair.getPrivate(), wrapped));
    }

    @Test
    void unwrap_tamperedTruncatedOrForeign_isRefusedWithoutDetail() throws Exception {
        PrivateKey priv = rsaPrivate(Algorithm.RSA_2048);
        PublicKey pub = Pem.publicKey(TestKeys.of(Algorithm.RSA_2048).publicKey());
        byte[] wrapped = Byok.wrap(pub, Rand.bytes(37));
        for (int i : new int[] {0, 100, 255, 256, 270, wrapped.length - 1}) {
            byte[] bad = wrapped.clone();
            bad[i] ^= 1;
            var e = assertThrows(CryptoInputException.class, () -> Byok.unwrap(priv, bad), "byte " + i);
            assertEquals(REFUSED, e.getMessage());
        }
        assertThrows(CryptoInputException.class, () -> Byok.unwrap(priv, Arrays.copyOf(wrapped, 260)));
        assertThrows(CryptoInputException.class, () -> Byok.unwrap(priv, null));
        byte[] foreign = Byok.wrap(Pem.publicKey(TestKeys.of(Algorithm.RSA_3072).publicKey()), Rand.bytes(32));
        assertThrows(CryptoInputException.class, () -> Byok.unwrap(priv, foreign));
    }

    @Test
    void wrap_toAWeakOrNonRsaKey_isRefused() {
        assertThrows(CryptoInputException.class,
                () -> Byok.wrap(Pem.publicKey(TestKeys.of(Algorithm.EC_P256).publicKey()), new byte[32]));
    }

    @Test
    void opensslWrappedMaterial_unwrapsToTheOriginal() throws Exception {
        keyward.store.TestDatabases.require("openssl CLI (apt-get install openssl)", Openssl.available());
        KeyMaterial wrapping = TestKeys.of(Algorithm.RSA_4096);
        Files.writeString(dir.resolve("wrap.pem"), Pem.publicKeyPem(wrapping.publicKey()));
        for (int n : new int[] {32, 37, 1190}) {
            byte[] material = Rand.bytes(n);
            byte[] aesKey = Rand.bytes(32);
            Files.write(dir.resolve("material.bin"), material);
            Files.write(dir.resolve("aes.bin"), aesKey);
            Openssl.ok(dir, "pkeyutl", "-encrypt", "-pubin", "-inkey", "wrap.pem", "-in", "aes.bin", "-out", "key.enc",
                    "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
            Openssl.ok(dir, "enc", "-id-aes256-wrap-pad", "-K", HexFormat.of().formatHex(aesKey), "-iv", "A65959A6",
                    "-in", "material.bin", "-out", "material.enc");
            byte[] head = Files.readAllBytes(dir.resolve("key.enc"));
            byte[] tail = Files.readAllBytes(dir.resolve("material.enc"));
            byte[] wrapped = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, wrapped, head.length, tail.length);
            assertEquals(512, head.length);
            assertArrayEquals(material, Byok.unwrap(rsaPrivate(Algorithm.RSA_4096), wrapped), n + " bytes");
        }
    }

    @Test
    void wrappedForExport_unwrapsWithOpenssl() throws Exception {
        keyward.store.TestDatabases.require("openssl CLI (apt-get install openssl)", Openssl.available());
        KeyMaterial caller = TestKeys.of(Algorithm.RSA_3072);
        Files.writeString(dir.resolve("caller.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(caller.secret().revealBytes()) + "\n-----END PRIVATE KEY-----\n");
        byte[] material = Rand.bytes(45);
        byte[] wrapped = Byok.wrap(Pem.publicKey(caller.publicKey()), material);
        Files.write(dir.resolve("key.enc"), Arrays.copyOf(wrapped, 384));
        Files.write(dir.resolve("material.enc"), Arrays.copyOfRange(wrapped, 384, wrapped.length));
        Openssl.ok(dir, "pkeyutl", "-decrypt", "-inkey", "caller.pem", "-in", "key.enc", "-out", "aes.bin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        String hex = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("aes.bin")));
        Openssl.ok(dir, "enc", "-d", "-id-aes256-wrap-pad", "-K", hex, "-iv", "A65959A6", "-in", "material.enc",
                "-out", "material.bin");
        assertArrayEquals(material, Files.readAllBytes(dir.resolve("material.bin")));
    }

    private static PrivateKey rsaPrivate(Algorithm a) throws Exception {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(TestKeys.of(a).secret().revealBytes()));
    }
}
