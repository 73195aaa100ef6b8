package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SealerTest {
    private static final byte[] MASTER = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] PLAIN = "hello redis".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "kw:o:x".getBytes(StandardCharsets.UTF_8);

    private static Sealer sealer(String purpose) {
        try (KeyDerivation k = KeyDerivation.of(Secret.copyOf(MASTER))) {
            return k.sealer(purpose);
        }
    }

    @Test
    void seal_thenOpenWithTheSameAad_roundTrips() throws Exception {
        Sealer s = sealer("p");
        for (int n : new int[] {0, 1, 80, 4096}) {
            byte[] plain = Rand.bytes(n);
            byte[] sealed = s.seal(plain, AAD);
            assertEquals(n + Sealer.OVERHEAD, sealed.length);
            assertArrayEquals(plain, s.open(sealed, AAD));
        }
    }

    @Test
    void seal_twice_usesFreshNonces() {
        Sealer s = sealer("p");
        assertFalse(Arrays.equals(s.seal(PLAIN, AAD), s.seal(PLAIN, AAD)));
    }

    @Test
    void seal_writesFormatOneNonceAndAesGcmUnderTheDerivedKey() throws Exception {
        byte[] sealed = sealer("keyward/redis-findex/v1/object").seal(PLAIN, AAD);
        assertEquals(1, sealed[0]);
        byte[] key = Hkdf.expand(MASTER, "keyward/redis-findex/v1/object".getBytes(StandardCharsets.UTF_8), 32);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 1, 12));
        c.updateAAD(AAD);
        assertArrayEquals(PLAIN, c.doFinal(sealed, 13, sealed.length - 13));
    }

    /** Made by the Redis store's own AES-GCM code before it moved here; stored data must still open. */
    @Test
    void open_aValueSealedByTheFormerRedisCodec_returnsItsPlaintext() throws Exception {
        byte[] old = HexFormat.of().parseHex("01e7bf79b46af45b5e74cfcc041bc2fd1907a477ebc2d5671dbff2d51545bffc9711ff75137b8437");
        assertArrayEquals(PLAIN, sealer("keyward/redis-findex/v1/object").open(old, AAD));
    }

    @Test
    void open_everyFlippedByteOfTheSealedValueOrAad_isRefusedTheSameWay() {
        Sealer s = sealer("p");
        byte[] sealed = s.seal(PLAIN, AAD);
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = sealed.clone();
                bad[i] ^= (byte) (1 << bit);
                assertRefused(s, bad, AAD);
            }
        }
        for (int i = 0; i < AAD.length; i++) {
            byte[] badAad = AAD.clone();
            badAad[i] ^= 1;
            assertRefused(s, sealed, badAad);
        }
    }

    @Test
    void open_truncatedExtendedOrEmpty_isRefusedTheSameWay() {
        Sealer s = sealer("p");
        byte[] sealed = s.seal(PLAIN, AAD);
        for (int n = 0; n < sealed.length; n++) {
            assertRefused(s, Arrays.copyOf(sealed, n), AAD);
        }
        assertRefused(s, Arrays.copyOf(sealed, sealed.length + 1), AAD);
        assertRefused(s, null, AAD);
        assertRefused(s, sealed, Arrays.copyOf(AAD, AAD.length + 1));
    }

    @Test
    void open_underAnotherPurposeOrMaster_isRefused() {
        byte[] sealed = sealer("p").seal(PLAIN, AAD);
        assertRefused(sealer("q"), sealed, AAD);
        try (KeyDerivation other = KeyDerivation.of(Secret.random(32))) {
            assertRefused(other.sealer("p"), sealed, AAD);
        }
    }

    @Test
    void toString_revealsNothing() {
        assertEquals("Sealer[***]", sealer("p").toString());
    }

    private static void assertRefused(Sealer s, byte[] sealed, byte[] aad) {
        DecryptionFailedException e = assertThrows(DecryptionFailedException.class, () -> s.open(sealed, aad));
        assertEquals("decryption failed", e.getMessage());
        assertEquals(null, e.getCause());
    }
}
