package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw modes KMIP asks for, against published vectors: AES-GCM (the GCM specification's test
 * cases 4 and 16, tag apart), AES-CBC and AES-CTR (NIST SP 800-38A F.2 and F.5), PKCS#5 padding,
 * refusals, and RSA-OAEP against openssl.
 */
class RawCiphersTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final byte[] GCM_IV = HEX.parseHex("cafebabefacedbaddecaf888");
    private static final byte[] GCM_PT = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d"
            + "8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    private static final byte[] GCM_AAD = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");

    // SP 800-38A: the four-block plaintext, the AES-128 and AES-256 keys, the CBC IV and CTR counter
    private static final byte[] PT = HEX.parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
    private static final byte[] K128 = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
    private static final byte[] K256 = HEX.parseHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    private static final byte[] CBC_IV = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] CTR_IV = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");

    @TempDir
    Path dir;

    @Test
    void gcm_matchesGcmSpecTestCases4And16_withTheTagApart() throws Exception {
        byte[] k4 = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        RawCiphers.Sealed s = RawCiphers.gcmSeal(k4, GCM_IV, GCM_PT, GCM_AAD, 16);
        assertArrayEquals(HEX.parseHex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b254669"
                + "31c7d8f6a5aac84aa051ba30b396a0aac973d58e091"), s.ciphertext());
        assertArrayEquals(HEX.parseHex("5bc94fbc3221a5db94fae95ae7121a47"), s.tag());
        assertArrayEquals(GCM_PT, RawCiphers.gcmOpen(k4, GCM_IV, s.ciphertext(), s.tag(), GCM_AAD));

        byte[] k16 = HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        RawCiphers.Sealed s16 = RawCiphers.gcmSeal(k16, GCM_IV, GCM_PT, GCM_AAD, 16);
        assertArrayEquals(HEX.parseHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590d"
                + "bb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"), s16.ciphertext());
        assertArrayEquals(HEX.parseHex("76fc6ece0f4e1768cddf8853bb2d551b"), s16.tag());

        // a 12-byte tag is the full tag's first 12 bytes
        RawCiphers.Sealed shortTag = RawCiphers.gcmSeal(k4, GCM_IV, GCM_PT, GCM_AAD, 12);
        assertArrayEquals(Arrays.copyOf(s.tag(), 12), shortTag.tag());
        assertArrayEquals(GCM_PT, RawCiphers.gcmOpen(k4, GCM_IV, shortTag.ciphertext(), shortTag.tag(), GCM_AAD));
    }

    @Test
    void gcm_refusesAWrongTagAadOrIv_andBadLengths() {
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        RawCiphers.Sealed s = RawCiphers.gcmSeal(key, GCM_IV, GCM_PT, GCM_AAD, 16);
        byte[] badTag = s.tag().clone();
        badTag[0] ^= 1;
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.gcmOpen(key, GCM_IV, s.ciphertext(), badTag, GCM_AAD));
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.gcmOpen(key, GCM_IV, s.ciphertext(), s.tag(), null));
        byte[] otherIv = GCM_IV.clone();
        otherIv[11] ^= 1;
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.gcmOpen(key, otherIv, s.ciphertext(), s.tag(), GCM_AAD));
        byte[] badCt = s.ciphertext().clone();
        badCt[5] ^= 0x40;
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.gcmOpen(key, GCM_IV, badCt, s.tag(), GCM_AAD));
        assertThrows(CryptoInputException.class, () -> RawCiphers.gcmSeal(key, new byte[8], GCM_PT, null, 16));
        assertThrows(CryptoInputException.class, () -> RawCiphers.gcmSeal(key, GCM_IV, GCM_PT, null, 8));
        assertThrows(CryptoInputException.class, () -> RawCiphers.gcmSeal(new byte[20], GCM_IV, GCM_PT, null, 16));
    }

    @Test
    void cbc_matchesSp80038aF21AndF25() throws Exception {
        byte[] c128 = HEX.parseHex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
                + "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
        assertArrayEquals(c128, RawCiphers.encrypt(RawCiphers.Mode.CBC, false, K128, CBC_IV, PT));
        assertArrayEquals(PT, RawCiphers.decrypt(RawCiphers.Mode.CBC, false, K128, CBC_IV, c128));
        byte[] c256 = HEX.parseHex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
                + "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
        assertArrayEquals(c256, RawCiphers.encrypt(RawCiphers.Mode.CBC, false, K256, CBC_IV, PT));
        assertArrayEquals(PT, RawCiphers.decrypt(RawCiphers.Mode.CBC, false, K256, CBC_IV, c256));
    }

    @Test
    void cbcPkcs5_addsAFullBlockToWholeBlocks_andChecksThePadding() throws Exception {
        byte[] padded = RawCiphers.encrypt(RawCiphers.Mode.CBC, true, K128, CBC_IV, PT);
        assertEquals(PT.length + 16, padded.length);
        // the first four blocks are the unpadded ciphertext; the padding block is sixteen 0x10 bytes
        byte[] raw = RawCiphers.encrypt(RawCiphers.Mode.CBC, false, K128, CBC_IV, PT);
        assertArrayEquals(raw, Arrays.copyOf(padded, PT.length));
        byte[] lastBlockIv = Arrays.copyOfRange(raw, raw.length - 16, raw.length);
        byte[] sixteens = new byte[16];
        Arrays.fill(sixteens, (byte) 16);
        assertArrayEquals(Arrays.copyOfRange(padded, PT.length, padded.length),
                RawCiphers.encrypt(RawCiphers.Mode.CBC, false, K128, lastBlockIv, sixteens));
        assertArrayEquals(PT, RawCiphers.decrypt(RawCiphers.Mode.CBC, true, K128, CBC_IV, padded));

        byte[] five = RawCiphers.encrypt(RawCiphers.Mode.CBC, true, K128, CBC_IV, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(16, five.length);
        assertEquals("hello", new String(RawCiphers.decrypt(RawCiphers.Mode.CBC, true, K128, CBC_IV, five),
                StandardCharsets.UTF_8));
        // the wrong key leaves garbage whose padding does not check (a 1-in-256-ish chance it does: fixed key, fixed bytes)
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.decrypt(RawCiphers.Mode.CBC, true, K256, CBC_IV, padded));
        assertThrows(CryptoInputException.class, () -> RawCiphers.decrypt(RawCiphers.Mode.CBC, true, K128, CBC_IV, new byte[15]));
        assertThrows(CryptoInputException.class, () -> RawCiphers.encrypt(RawCiphers.Mode.CBC, false, K128, CBC_IV, new byte[15]));
        assertThrows(CryptoInputException.class, () -> RawCiphers.encrypt(RawCiphers.Mode.CBC, true, K128, new byte[12], PT));
    }

    @Test
    void ctr_matchesSp80038aF51AndF55_andTakesAnyLength() throws Exception {
        byte[] c128 = HEX.parseHex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
                + "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
        assertArrayEquals(c128, RawCiphers.encrypt(RawCiphers.Mode.CTR, false, K128, CTR_IV, PT));
        assertArrayEquals(PT, RawCiphers.decrypt(RawCiphers.Mode.CTR, false, K128, CTR_IV, c128));
        byte[] c256 = HEX.parseHex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
                + "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
        assertArrayEquals(c256, RawCiphers.encrypt(RawCiphers.Mode.CTR, false, K256, CTR_IV, PT));
        assertArrayEquals(Arrays.copyOf(c256, 7), RawCiphers.encrypt(RawCiphers.Mode.CTR, false, K256, CTR_IV,
                Arrays.copyOf(PT, 7)));
        assertThrows(CryptoInputException.class, () -> RawCiphers.encrypt(RawCiphers.Mode.CTR, true, K128, CTR_IV, PT));
    }

    @Test
    void freshIvs_haveTheModesLengths_andDiffer() {
        assertEquals(12, RawCiphers.freshIv(RawCiphers.Mode.GCM).length);
        assertEquals(16, RawCiphers.freshIv(RawCiphers.Mode.CBC).length);
        assertEquals(16, RawCiphers.freshIv(RawCiphers.Mode.CTR).length);
        assertEquals(false, Arrays.equals(RawCiphers.freshIv(RawCiphers.Mode.CTR), RawCiphers.freshIv(RawCiphers.Mode.CTR)));
    }

    @Test
    void oaep_roundTrips_andOpensslDecryptsIt_withSha1AndSha256() throws Exception {
        keyward.store.TestDatabases.require("openssl CLI (apt-get install openssl)", Openssl.available());
        KeyMaterial key = TestKeys.of(Algorithm.RSA_2048);
        byte[] msg = "oaep over kmip".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("key.der"), key.secret().revealBytes());
        for (RawCiphers.OaepHash[] h : new RawCiphers.OaepHash[][] {
                {RawCiphers.OaepHash.SHA1, RawCiphers.OaepHash.SHA1},
                {RawCiphers.OaepHash.SHA256, RawCiphers.OaepHash.SHA1},
                {RawCiphers.OaepHash.SHA256, RawCiphers.OaepHash.SHA256}}) {
            byte[] ct = RawCiphers.oaepEncrypt(Algorithm.RSA_2048, key.publicKey(), h[0], h[1], msg);
            assertEquals(256, ct.length);
            assertArrayEquals(msg, RawCiphers.oaepDecrypt(Algorithm.RSA_2048, key.secret().revealBytes(), h[0], h[1], ct));
            Files.write(dir.resolve("ct.bin"), ct);
            Openssl.ok(dir, "pkeyutl", "-decrypt", "-keyform", "DER", "-inkey", "key.der", "-in", "ct.bin", "-out",
                    "pt.bin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + name(h[0]),
                    "-pkeyopt", "rsa_mgf1_md:" + name(h[1]));
            assertArrayEquals(msg, Files.readAllBytes(dir.resolve("pt.bin")), h[0] + "/" + h[1]);
            // the other hash does not open it
            RawCiphers.OaepHash other = h[0] == RawCiphers.OaepHash.SHA1 ? RawCiphers.OaepHash.SHA256 : RawCiphers.OaepHash.SHA1;
            assertThrows(DecryptionFailedException.class, () -> RawCiphers.oaepDecrypt(Algorithm.RSA_2048,
                    key.secret().revealBytes(), other, h[1], ct));
        }
        // openssl's OAEP-SHA256 ciphertext opens here
        Files.write(dir.resolve("msg.bin"), msg);
        Files.writeString(dir.resolve("pub.pem"), Pem.publicKeyPem(key.publicKey()));
        Openssl.ok(dir, "pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "msg.bin", "-out", "ct2.bin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        assertArrayEquals(msg, RawCiphers.oaepDecrypt(Algorithm.RSA_2048, key.secret().revealBytes(),
                RawCiphers.OaepHash.SHA256, RawCiphers.OaepHash.SHA256, Files.readAllBytes(dir.resolve("ct2.bin"))));
        assertThrows(CryptoInputException.class, () -> RawCiphers.oaepEncrypt(Algorithm.RSA_2048, key.publicKey(),
                RawCiphers.OaepHash.SHA256, RawCiphers.OaepHash.SHA256, new byte[191]));
        assertThrows(DecryptionFailedException.class, () -> RawCiphers.oaepDecrypt(Algorithm.RSA_2048,
                key.secret().revealBytes(), RawCiphers.OaepHash.SHA256, RawCiphers.OaepHash.SHA256, new byte[10]));
    }

    private static String name(RawCiphers.OaepHash h) {
        return h == RawCiphers.OaepHash.SHA1 ? "sha1" : h == RawCiphers.OaepHash.SHA256 ? "sha256"
                : h == RawCiphers.OaepHash.SHA384 ? "sha384" : "sha512";
    }
}
