package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class MacsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] HI_THERE = "Hi There".getBytes(StandardCharsets.US_ASCII);

    @Test
    void hmac_matchesRfc4231TestCase1() {
        Secret key = Secret.of(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"));
        assertArrayEquals(HEX.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                Macs.mac(Algorithm.HMAC_SHA256, key, HI_THERE));
        assertArrayEquals(HEX.parseHex("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6"), Macs.mac(Algorithm.HMAC_SHA384, key, HI_THERE));
        assertArrayEquals(HEX.parseHex("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"), Macs.mac(Algorithm.HMAC_SHA512, key, HI_THERE));
    }

    @Test
    void hmac_matchesRfc4231TestCase2() {
        Secret key = Secret.of("Jefe".getBytes(StandardCharsets.US_ASCII));
        byte[] msg = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                Macs.mac(Algorithm.HMAC_SHA256, key, msg));
    }

    @Test
    void macWithHash_usesTheKeysMaterialUnderTheChosenSha2_rfc4231TestCase1() {
        Secret key = Secret.of(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"));
        byte[] sha224 = HEX.parseHex("896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22");
        assertArrayEquals(sha224, Macs.macWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, "sha224"));
        assertArrayEquals(Macs.mac(Algorithm.HMAC_SHA512, key, HI_THERE),
                Macs.macWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, "sha512"));
        assertArrayEquals(Macs.mac(Algorithm.HMAC_SHA256, key, HI_THERE),
                Macs.macWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, null), "null is the key's own hash");
        assertTrue(Macs.verifyWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, sha224, "sha224"));
        assertFalse(Macs.verifyWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, sha224, "sha256"));
        assertThrows(CryptoInputException.class, () -> Macs.macWithHash(Algorithm.HMAC_SHA256, key, HI_THERE, "md5"));
        assertThrows(UnsupportedByAlgorithmException.class,
                () -> Macs.macWithHash(Algorithm.AES_256_GCM, key, HI_THERE, "sha256"));
    }

    @Test
    void verify_acceptsOnlyTheExactMac() {
        for (Algorithm a : new Algorithm[] {Algorithm.HMAC_SHA256, Algorithm.HMAC_SHA384, Algorithm.HMAC_SHA512}) {
            Secret key = TestKeys.of(a).secret();
            byte[] mac = Macs.mac(a, key, HI_THERE);
            assertTrue(Macs.verify(a, key, HI_THERE, mac), a.id());
            for (int i = 0; i < mac.length; i++) {
                byte[] bad = mac.clone();
                bad[i] ^= 1;
                assertFalse(Macs.verify(a, key, HI_THERE, bad), a.id() + " byte " + i);
            }
            assertFalse(Macs.verify(a, key, HI_THERE, Arrays.copyOf(mac, mac.length - 1)), a.id());
            assertFalse(Macs.verify(a, key, HI_THERE, null), a.id());
            assertFalse(Macs.verify(a, key, "Hi there".getBytes(StandardCharsets.US_ASCII), mac), a.id());
        }
    }

    @Test
    void mac_withNonHmacKeys_isUnsupported() {
        for (Algorithm a : Algorithm.values()) {
            if (!a.supports(Operation.MAC)) {
                Secret s = Secret.random(32);
                assertThrows(UnsupportedByAlgorithmException.class, () -> Macs.mac(a, s, HI_THERE), a.id());
                assertThrows(UnsupportedByAlgorithmException.class, () -> Macs.verify(a, s, HI_THERE, new byte[32]), a.id());
            }
        }
    }
}
