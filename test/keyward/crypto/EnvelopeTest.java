package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final Algorithm[] AEAD = {Algorithm.AES_128_GCM, Algorithm.AES_256_GCM, Algorithm.CHACHA20_POLY1305};
    private static final Algorithm[] RSA = {Algorithm.RSA_2048, Algorithm.RSA_3072, Algorithm.RSA_4096};
    private static final byte[] AAD = "tenant=7".getBytes(StandardCharsets.UTF_8);

    @Test
    void encryptDecrypt_everyEncryptingAlgorithm_roundTrips() throws Exception {
        for (Algorithm a : Algorithm.values()) {
            if (!a.supports(Operation.ENCRYPT)) {
                continue;
            }
            KeyMaterial key = TestKeys.of(a);
            for (byte[] pt : new byte[][] {new byte[0], "hello".getBytes(StandardCharsets.UTF_8), Rand.bytes(190)}) {
                byte[] blob = Envelope.encrypt(a, key, 0x7f00ff01, pt, AAD);
                assertEquals(0x7f00ff01, Envelope.kidOf(blob), a.id());
                assertArrayEquals(pt, Envelope.decrypt(a, key, blob, AAD), a.id());
            }
        }
    }

    @Test
    void decrypt_sameCiphertextTwice_works() throws Exception {
        for (Algorithm a : AEAD) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = Envelope.encrypt(a, key, 1, new byte[64], null);
            Envelope.decrypt(a, key, blob, null);
            assertArrayEquals(new byte[64], Envelope.decrypt(a, key, blob, null), a.id());
        }
    }

    @Test
    void aeadBlob_hasTheDocumentedLayout() throws Exception {
        byte[] blob = Envelope.encrypt(Algorithm.AES_256_GCM, TestKeys.of(Algorithm.AES_256_GCM), 0x01020304, new byte[10], null);
        assertEquals(5 + 12 + 10 + 16, blob.length);
        assertArrayEquals(new byte[] {1, 1, 2, 3, 4}, Arrays.copyOf(blob, 5));
        assertEquals(-2, Envelope.kidOf(new byte[] {1, -1, -1, -1, -2}));
    }

    @Test
    void encrypt_twice_givesDifferentCiphertexts() {
        KeyMaterial key = TestKeys.of(Algorithm.AES_128_GCM);
        byte[] a = Envelope.encrypt(Algorithm.AES_128_GCM, key, 1, new byte[16], null);
        byte[] b = Envelope.encrypt(Algorithm.AES_128_GCM, key, 1, new byte[16], null);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void nullAad_isTheSameAsEmptyAad() throws Exception {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_256_GCM, Algorithm.RSA_2048}) {
            byte[] blob = Envelope.encrypt(a, TestKeys.of(a), 9, new byte[] {1}, null);
            assertArrayEquals(new byte[] {1}, Envelope.decrypt(a, TestKeys.of(a), blob, new byte[0]));
        }
    }

    @Test
    void decrypt_anyFlippedByteOfAnAeadBlob_fails() {
        for (Algorithm a : AEAD) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = Envelope.encrypt(a, key, 42, Rand.bytes(20), AAD);
            for (int i = 0; i < blob.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] bad = blob.clone();
                    bad[i] ^= bit;
                    assertFailsToDecrypt(a, key, bad, AAD, a.id() + " byte " + i);
                }
            }
        }
    }

    @Test
    void decrypt_anyFlippedByteOfTheAad_fails() {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_128_GCM, Algorithm.AES_256_GCM, Algorithm.CHACHA20_POLY1305,
            Algorithm.RSA_2048}) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = Envelope.encrypt(a, key, 42, Rand.bytes(20), AAD);
            for (int i = 0; i < AAD.length; i++) {
                byte[] bad = AAD.clone();
                bad[i] ^= 1;
                assertFailsToDecrypt(a, key, blob, bad, a.id() + " aad byte " + i);
            }
            assertFailsToDecrypt(a, key, blob, null, a.id() + " no aad");
            assertFailsToDecrypt(a, key, blob, Arrays.copyOf(AAD, AAD.length + 1), a.id() + " longer aad");
        }
    }

    @Test
    void decrypt_anyFlippedByteOfAnRsaBlob_fails() {
        KeyMaterial key = TestKeys.of(Algorithm.RSA_2048);
        byte[] blob = Envelope.encrypt(Algorithm.RSA_2048, key, 42, Rand.bytes(20), AAD);
        for (int i = 0; i < blob.length; i++) {
            byte[] bad = blob.clone();
            bad[i] ^= 1;
            assertFailsToDecrypt(Algorithm.RSA_2048, key, bad, AAD, "byte " + i);
        }
    }

    @Test
    void decrypt_truncatedOrExtendedBlob_fails() {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_256_GCM, Algorithm.CHACHA20_POLY1305, Algorithm.RSA_2048}) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = Envelope.encrypt(a, key, 42, Rand.bytes(8), AAD);
            for (int n = 0; n < blob.length; n++) {
                assertFailsToDecrypt(a, key, Arrays.copyOf(blob, n), AAD, a.id() + " length " + n);
            }
            assertFailsToDecrypt(a, key, Arrays.copyOf(blob, blob.length + 1), AAD, a.id() + " extended");
        }
        assertFailsToDecrypt(Algorithm.AES_256_GCM, TestKeys.of(Algorithm.AES_256_GCM), null, null, "null");
    }

    @Test
    void decrypt_withAnotherKeyOfTheSameAlgorithm_fails() {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_128_GCM, Algorithm.AES_256_GCM, Algorithm.CHACHA20_POLY1305,
            Algorithm.RSA_2048}) {
            byte[] blob = Envelope.encrypt(a, TestKeys.of(a), 42, new byte[] {1, 2, 3}, null);
            KeyMaterial other = Keys.generate(a);
            assertFailsToDecrypt(a, other, blob, null, a.id());
        }
    }

    @Test
    void decrypt_aesBlobWithAChachaKeyOfTheSameBytes_fails() {
        KeyMaterial key = TestKeys.of(Algorithm.AES_256_GCM);
        byte[] blob = Envelope.encrypt(Algorithm.AES_256_GCM, key, 42, new byte[] {1, 2, 3}, null);
        assertFailsToDecrypt(Algorithm.CHACHA20_POLY1305, key, blob, null, "chacha");
    }

    @Test
    void decrypt_withTheKidRewritten_fails() {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_256_GCM, Algorithm.RSA_2048}) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = Envelope.encrypt(a, key, 42, new byte[] {1, 2, 3}, null);
            byte[] relabelled = blob.clone();
            relabelled[4] = 43;
            assertFailsToDecrypt(a, key, relabelled, null, a.id());
        }
    }

    @Test
    void decrypt_unknownFormatByte_failsAndKidOfRefusesIt() {
        KeyMaterial key = TestKeys.of(Algorithm.AES_256_GCM);
        byte[] blob = Envelope.encrypt(Algorithm.AES_256_GCM, key, 42, new byte[] {1}, null);
        blob[0] = 2;
        assertThrows(DecryptionFailedException.class, () -> Envelope.kidOf(blob));
        assertThrows(DecryptionFailedException.class, () -> Envelope.kidOf(new byte[4]));
        assertFailsToDecrypt(Algorithm.AES_256_GCM, key, blob, null, "format 2");
    }

    @Test
    void encrypt_rsaOverTheOaepLimit_isRefusedWithTheLimit() throws Exception {
        for (Algorithm a : RSA) {
            KeyMaterial key = TestKeys.of(a);
            int max = a.maxPlaintextLength();
            byte[] blob = Envelope.encrypt(a, key, 1, new byte[max], null);
            assertEquals(5 + a.size / 8, blob.length);
            assertArrayEquals(new byte[max], Envelope.decrypt(a, key, blob, null));
            var e = assertThrows(CryptoInputException.class, () -> Envelope.encrypt(a, key, 1, new byte[max + 1], null));
            assertEquals("plaintext is " + (max + 1) + " bytes; " + a.id() + " with OAEP-SHA256 takes at most " + max,
                    e.getMessage());
        }
        var e = assertThrows(CryptoInputException.class,
                () -> Envelope.encrypt(Algorithm.RSA_2048, TestKeys.of(Algorithm.RSA_2048), 1, new byte[300], null));
        assertEquals("plaintext is 300 bytes; rsa-2048 with OAEP-SHA256 takes at most 190", e.getMessage());
    }

    @Test
    void rsa_publicOnlyKey_encryptsButCannotDecrypt() throws Exception {
        KeyMaterial full = TestKeys.of(Algorithm.RSA_2048);
        KeyMaterial publicOnly = new KeyMaterial(null, full.publicKey());
        byte[] blob = Envelope.encrypt(Algorithm.RSA_2048, publicOnly, 5, new byte[] {7}, AAD);
        assertArrayEquals(new byte[] {7}, Envelope.decrypt(Algorithm.RSA_2048, full, blob, AAD));
        assertThrows(UnsupportedByAlgorithmException.class, () -> Envelope.decrypt(Algorithm.RSA_2048, publicOnly, blob, AAD));
    }

    @Test
    void encryptAndDecrypt_withNonEncryptingAlgorithms_areUnsupported() {
        byte[] blob = Envelope.encrypt(Algorithm.AES_256_GCM, TestKeys.of(Algorithm.AES_256_GCM), 1, new byte[1], null);
        for (Algorithm a : Algorithm.values()) {
            if (a.supports(Operation.ENCRYPT)) {
                continue;
            }
            KeyMaterial key = TestKeys.of(a);
            assertThrows(UnsupportedByAlgorithmException.class, () -> Envelope.encrypt(a, key, 1, new byte[1], null), a.id());
            assertThrows(UnsupportedByAlgorithmException.class, () -> Envelope.decrypt(a, key, blob, null), a.id());
        }
    }

    private static void assertFailsToDecrypt(Algorithm a, KeyMaterial key, byte[] blob, byte[] aad, String what) {
        var e = assertThrows(DecryptionFailedException.class, () -> Envelope.decrypt(a, key, blob, aad), what);
        assertEquals("decryption failed", e.getMessage());
    }
}
