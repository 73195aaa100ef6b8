package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AES key wrap against RFC 3394 section 4 and RFC 5649 section 6, and against openssl's
 * id-aes*-wrap ciphers; PBKDF2 against RFC 6070 (SHA-1) and the SHA-256 vectors of the same
 * inputs; HKDF against RFC 5869 test cases 1 and 3.
 */
class KeyWrapAndKdfTest {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void kw_matchesRfc3394Section4() throws Exception {
        byte[] kek128 = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] kek256 = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] key128 = HEX.parseHex("00112233445566778899aabbccddeeff");
        byte[] key256 = HEX.parseHex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
        check(KeyWrap.Method.KW, kek128, key128, "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"); // 4.1
        check(KeyWrap.Method.KW, kek256, key128, "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"); // 4.3
        check(KeyWrap.Method.KW, kek256, key256,
                "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"); // 4.6
    }

    @Test
    void kwp_matchesRfc5649Section6() throws Exception {
        byte[] kek = HEX.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        check(KeyWrap.Method.KWP, kek, HEX.parseHex("c37b7e6492584340bed12207808941155068f738"),
                "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
        check(KeyWrap.Method.KWP, kek, HEX.parseHex("466f7250617369"), "afbeb0f07dfbf5419200f2ccb50bb24f");
    }

    private static void check(KeyWrap.Method m, byte[] kek, byte[] key, String wantHex) throws Exception {
        byte[] want = HEX.parseHex(wantHex);
        assertArrayEquals(want, KeyWrap.wrap(m, kek, key));
        assertArrayEquals(key, KeyWrap.unwrap(m, kek, want));
    }

    @Test
    void unwrap_refusesTamperingAndTheWrongKey_andKwRefusesOddLengths() {
        byte[] kek = new byte[32];
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        for (KeyWrap.Method m : KeyWrap.Method.values()) {
            byte[] w = KeyWrap.wrap(m, kek, key);
            for (int i = 0; i < w.length; i++) {
                byte[] bad = w.clone();
                bad[i] ^= 1;
                assertThrows(DecryptionFailedException.class, () -> KeyWrap.unwrap(m, kek, bad), m + " byte " + i);
            }
            byte[] otherKek = new byte[32];
            otherKek[0] = 1;
            assertThrows(DecryptionFailedException.class, () -> KeyWrap.unwrap(m, otherKek, w));
            assertThrows(DecryptionFailedException.class, () -> KeyWrap.unwrap(m, kek, Arrays.copyOf(w, w.length - 8)));
        }
        assertThrows(CryptoInputException.class, () -> KeyWrap.wrap(KeyWrap.Method.KW, kek, new byte[20]));
        assertThrows(CryptoInputException.class, () -> KeyWrap.wrap(KeyWrap.Method.KW, kek, new byte[8]));
        assertThrows(CryptoInputException.class, () -> KeyWrap.wrap(KeyWrap.Method.KW, new byte[17], key));
    }

    @Test
    void wrapped_opensWithOpensslsAesWrapCiphers() throws Exception {
        keyward.store.TestDatabases.require("openssl CLI (apt-get install openssl)", Openssl.available());
        byte[] kek = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] key = HEX.parseHex("00112233445566778899aabbccddeeff0102030405060708");
        for (KeyWrap.Method m : KeyWrap.Method.values()) {
            Files.write(dir.resolve("w.bin"), KeyWrap.wrap(m, kek, key));
            Openssl.ok(dir, "enc", "-d", m == KeyWrap.Method.KW ? "-id-aes256-wrap" : "-id-aes256-wrap-pad",
                    "-K", HEX.formatHex(kek), "-iv", m == KeyWrap.Method.KW ? "A6A6A6A6A6A6A6A6" : "A65959A6",
                    "-in", "w.bin", "-out", "k.bin");
            assertArrayEquals(key, Files.readAllBytes(dir.resolve("k.bin")), m.name());
        }
    }

    @Test
    void pbkdf2_matchesRfc6070AndSha256Vectors() {
        byte[] p = "password".getBytes(StandardCharsets.US_ASCII);
        byte[] s = "salt".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(HEX.parseHex("0c60c80f961f0e71f3a9b524af6012062fe037a6"), Kdf.pbkdf2(Kdf.Prf.SHA1, p, s, 1, 20));
        assertArrayEquals(HEX.parseHex("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"), Kdf.pbkdf2(Kdf.Prf.SHA1, p, s, 2, 20));
        assertArrayEquals(HEX.parseHex("4b007901b765489abead49d926f721d065a429c1"), Kdf.pbkdf2(Kdf.Prf.SHA1, p, s, 4096, 20));
        byte[] p2 = "passwordPASSWORDpassword".getBytes(StandardCharsets.US_ASCII);
        byte[] s2 = "saltSALTsaltSALTsaltSALTsaltSALTsalt".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(HEX.parseHex("3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"),
                Kdf.pbkdf2(Kdf.Prf.SHA1, p2, s2, 4096, 25)); // two blocks, the second cut
        assertArrayEquals(HEX.parseHex("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
                Kdf.pbkdf2(Kdf.Prf.SHA256, p, s, 1, 32));
        assertArrayEquals(HEX.parseHex("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
                Kdf.pbkdf2(Kdf.Prf.SHA256, p, s, 4096, 32));
        assertThrows(CryptoInputException.class, () -> Kdf.pbkdf2(Kdf.Prf.SHA256, p, s, 0, 32));
        assertThrows(CryptoInputException.class, () -> Kdf.pbkdf2(Kdf.Prf.SHA256, p, s, Kdf.MAX_ITERATIONS + 1, 32));
        assertThrows(CryptoInputException.class, () -> Kdf.pbkdf2(Kdf.Prf.SHA256, p, s, 1, 0));
    }

    @Test
    void hkdf_matchesRfc5869Cases1And3() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Kdf.hkdf(Kdf.Prf.SHA256, ikm, HEX.parseHex("000102030405060708090a0b0c"),
                        HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42));
        assertArrayEquals(HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                Kdf.hkdf(Kdf.Prf.SHA256, ikm, new byte[0], new byte[0], 42));
        assertThrows(CryptoInputException.class, () -> Kdf.hkdf(Kdf.Prf.SHA256, ikm, null, null, 0));
    }
}
