package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] SALT = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    private static final byte[] CHECK = "keyward redis master key check v1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void hkdfExpand_matchesRfc5869TestCase1() {
        byte[] prk = HEX.parseHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Hkdf.expand(prk, HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42));
    }

    @Test
    void hkdfExpand_matchesRfc5869TestCase3WithEmptyInfo() {
        byte[] prk = HEX.parseHex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        assertArrayEquals(HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                Hkdf.expand(prk, new byte[0], 42));
    }

    @Test
    void hkdfExpand_outsideOneTo255Blocks_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(MASTER, new byte[0], 0));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(MASTER, new byte[0], 255 * 32 + 1));
    }

    @Test
    void prf_isHmacSha256UnderTheExpandedPurposeKey() {
        try (KeyDerivation k = KeyDerivation.of(Secret.copyOf(MASTER))) {
            byte[] key = Hkdf.expand(MASTER, "keyward/redis-findex/v1/check".getBytes(StandardCharsets.UTF_8), 32);
            assertArrayEquals(Macs.hmac(Hash.SHA256, key, CHECK), k.prf("keyward/redis-findex/v1/check").apply(CHECK));
            // the Redis store's master key check, as the store computed it before its HMAC moved here
            assertArrayEquals(HEX.parseHex("802e905bc7e576718e724de0cdafa970165daacc02682afa7c3cf8197379b125"),
                    k.prf("keyward/redis-findex/v1/check").apply(CHECK));
        }
    }

    @Test
    void purposes_deriveIndependentKeys() {
        try (KeyDerivation k = KeyDerivation.of(Secret.copyOf(MASTER))) {
            assertFalse(Arrays.equals(k.prf("a").apply(CHECK), k.prf("b").apply(CHECK)));
            assertEquals(Prf.LENGTH, k.prf("a").apply(CHECK).length);
        }
    }

    @Test
    void fromPassword_isArgon2idWithTheRedisParameters() {
        // known answers of the Redis store's former Argon2 code (Bouncy Castle, password as UTF-8 chars)
        try (KeyDerivation k = KeyDerivation.fromPassword("correct horse".toCharArray(), SALT)) {
            assertArrayEquals(HEX.parseHex("c6a04b0d2f74eb0cfdc3f5740387f7fd97c0ef2aa5282954e692b8e1bf0da023"),
                    k.prf("keyward/redis-findex/v1/check").apply(CHECK));
        }
        try (KeyDerivation k = KeyDerivation.fromPassword("p\u00e4ssw\u00f6rd \u2713".toCharArray(), SALT)) {
            assertArrayEquals(HEX.parseHex("2cd048eb2b791d392fe8cae5056c9d7650c93e39e259d231d8fefb0cacbd3750"),
                    k.prf("keyward/redis-findex/v1/check").apply(CHECK));
        }
    }

    @Test
    void fromPassword_emptyPasswordOrShortSalt_isRefused() {
        assertThrows(CryptoInputException.class, () -> KeyDerivation.fromPassword(new char[0], SALT));
        assertThrows(CryptoInputException.class, () -> KeyDerivation.fromPassword("pw".toCharArray(), new byte[15]));
    }

    @Test
    void of_aKeyOtherThan32Bytes_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> KeyDerivation.of(Secret.random(16)));
    }

    @Test
    void close_wipesTheMasterButDerivedKeysStillWork() throws Exception {
        KeyDerivation k = KeyDerivation.of(Secret.copyOf(MASTER));
        Sealer s = k.sealer("p");
        k.close();
        assertThrows(IllegalStateException.class, () -> k.prf("p"));
        assertArrayEquals(CHECK, s.open(s.seal(CHECK, new byte[0]), new byte[0]));
    }
}
