package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The raw AEAD primitive against published vectors (the envelope adds only header and framing). */
class AeadKnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of();

    // GCM specification (McGrew and Viega), test cases 4 and 16: the same IV, plaintext and AAD
    private static final byte[] GCM_IV = HEX.parseHex("cafebabefacedbaddecaf888");
    private static final byte[] GCM_PT = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d"
            + "8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    private static final byte[] GCM_AAD = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");

    @Test
    void aes128Gcm_matchesGcmSpecTestCase4() throws Exception {
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        byte[] want = HEX.parseHex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c"
                + "7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47");
        assertArrayEquals(want, Aead.seal(Algorithm.AES_128_GCM, key, GCM_IV, GCM_PT, GCM_AAD));
        assertArrayEquals(GCM_PT, Aead.open(Algorithm.AES_128_GCM, key, GCM_IV, want, GCM_AAD));
    }

    @Test
    void aes256Gcm_matchesGcmSpecTestCase16() throws Exception {
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        byte[] want = HEX.parseHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3d"
                + "a7b08b1056828838c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b");
        assertArrayEquals(want, Aead.seal(Algorithm.AES_256_GCM, key, GCM_IV, GCM_PT, GCM_AAD));
        assertArrayEquals(GCM_PT, Aead.open(Algorithm.AES_256_GCM, key, GCM_IV, want, GCM_AAD));
    }

    @Test
    void chacha20Poly1305_matchesRfc8439Section282() throws Exception {
        byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = HEX.parseHex("070000004041424344454647");
        byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] want = HEX.parseHex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712"
                + "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67594"
                + "5585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691");
        assertArrayEquals(want, Aead.seal(Algorithm.CHACHA20_POLY1305, key, nonce, pt, aad));
        assertArrayEquals(pt, Aead.open(Algorithm.CHACHA20_POLY1305, key, nonce, want, aad));
    }

    @Test
    void open_sameChachaCiphertextTwiceOnOneThread_works() throws Exception {
        // the JDK's ChaCha20-Poly1305 refuses a re-init with the previous key and nonce
        byte[] key = Rand.bytes(32);
        byte[] nonce = Rand.bytes(12);
        byte[] sealed = Aead.seal(Algorithm.CHACHA20_POLY1305, key, nonce, GCM_PT, GCM_AAD);
        assertArrayEquals(GCM_PT, Aead.open(Algorithm.CHACHA20_POLY1305, key, nonce, sealed, GCM_AAD));
        assertArrayEquals(GCM_PT, Aead.open(Algorithm.CHACHA20_POLY1305, key, nonce, sealed, GCM_AAD));
    }

    @Test
    void open_flippedTagBit_fails() {
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        byte[] nonce = Rand.bytes(12);
        byte[] sealed = Aead.seal(Algorithm.AES_128_GCM, key, nonce, GCM_PT, GCM_AAD);
        sealed[sealed.length - 1] ^= 1;
        assertThrows(DecryptionFailedException.class, () -> Aead.open(Algorithm.AES_128_GCM, key, nonce, sealed, GCM_AAD));
    }
}
