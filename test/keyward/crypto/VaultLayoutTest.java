package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vault Transit's ciphertext layout: round trips, a known answer, and tampering with every byte. */
class VaultLayoutTest {
    private static final byte[] AAD = "row-7".getBytes(StandardCharsets.UTF_8);
    private static final List<Algorithm> ENCRYPTING = List.of(Algorithm.AES_128_GCM, Algorithm.AES_256_GCM,
            Algorithm.CHACHA20_POLY1305, Algorithm.RSA_2048);

    @Test
    void seal_thenOpen_roundTrips_forEveryEncryptingAlgorithm() throws Exception {
        for (Algorithm a : ENCRYPTING) {
            KeyMaterial key = TestKeys.of(a);
            byte[] pt = ("hello " + a.id()).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(pt, VaultLayout.open(a, key, VaultLayout.seal(a, key, pt, AAD), AAD), a.id());
            assertArrayEquals(new byte[0], VaultLayout.open(a, key, VaultLayout.seal(a, key, new byte[0], null), null));
        }
    }

    @Test
    void aeadLayout_isNonceThenCiphertextThenTag() {
        byte[] blob = VaultLayout.seal(Algorithm.AES_256_GCM, TestKeys.of(Algorithm.AES_256_GCM), new byte[5], null);
        assertEquals(12 + 5 + 16, blob.length);
    }

    /** The GCM specification's test case 4 (AES-128), laid out as Vault stores it: IV | C | T. */
    @Test
    void open_knownAnswer_gcmSpecTestCase4() throws Exception {
        HexFormat h = HexFormat.of();
        KeyMaterial key = KeyMaterial.symmetric(Secret.copyOf(h.parseHex("feffe9928665731c6d6a8f9467308308")));
        byte[] blob = h.parseHex("cafebabefacedbaddecaf888"
                + "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
                + "1ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47");
        byte[] aad = h.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] expected = h.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        assertArrayEquals(expected, VaultLayout.open(Algorithm.AES_128_GCM, key, blob, aad));
    }

    @Test
    void open_anyTamperedByte_orOtherAad_orTruncation_fails() {
        for (Algorithm a : ENCRYPTING) {
            KeyMaterial key = TestKeys.of(a);
            byte[] blob = VaultLayout.seal(a, key, "secret".getBytes(StandardCharsets.UTF_8), AAD);
            for (int i = 0; i < blob.length; i++) {
                byte[] t = blob.clone();
                t[i] ^= 0x01;
                assertThrows(DecryptionFailedException.class, () -> VaultLayout.open(a, key, t, AAD), a.id() + " byte " + i);
            }
            if (a != Algorithm.RSA_2048) {  // Vault binds associated_data only in AEAD ciphertexts
                assertThrows(DecryptionFailedException.class,
                        () -> VaultLayout.open(a, key, blob, "row-8".getBytes(StandardCharsets.UTF_8)));
            }
            assertThrows(DecryptionFailedException.class, () -> VaultLayout.open(a, key, new byte[3], AAD));
        }
    }

    @Test
    void derived_roundTripsPerContext_andConvergentIsDeterministicPerInput() throws Exception {
        KeyMaterial key = TestKeys.of(Algorithm.AES_256_GCM);
        byte[] ctx = "tenant-1".getBytes(StandardCharsets.UTF_8);
        byte[] pt = "data".getBytes(StandardCharsets.UTF_8);
        byte[] random = VaultLayout.sealDerived(Algorithm.AES_256_GCM, key, ctx, false, pt, AAD);
        assertArrayEquals(pt, VaultLayout.openDerived(Algorithm.AES_256_GCM, key, ctx, random, AAD));
        assertThrows(DecryptionFailedException.class, () -> VaultLayout.openDerived(Algorithm.AES_256_GCM, key,
                "tenant-2".getBytes(StandardCharsets.UTF_8), random, AAD));
        assertThrows(DecryptionFailedException.class, () -> VaultLayout.open(Algorithm.AES_256_GCM, key, random, AAD));
        byte[] c1 = VaultLayout.sealDerived(Algorithm.AES_256_GCM, key, ctx, true, pt, AAD);
        assertArrayEquals(c1, VaultLayout.sealDerived(Algorithm.AES_256_GCM, key, ctx, true, pt, AAD));
        byte[] otherAad = VaultLayout.sealDerived(Algorithm.AES_256_GCM, key, ctx, true, pt, new byte[] {1});
        assertFalse(Arrays.equals(Arrays.copyOf(c1, 12), Arrays.copyOf(otherAad, 12)), "the nonce covers the aad too");
        assertThrows(UnsupportedByAlgorithmException.class, () -> VaultLayout.sealDerived(Algorithm.ED25519,
                TestKeys.of(Algorithm.ED25519), ctx, false, pt, null));
    }

    @Test
    void signingKeys_doNotEncrypt() {
        assertThrows(UnsupportedByAlgorithmException.class,
                () -> VaultLayout.seal(Algorithm.ED25519, TestKeys.of(Algorithm.ED25519), new byte[1], null));
    }
}
