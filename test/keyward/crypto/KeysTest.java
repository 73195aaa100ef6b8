package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void generate_symmetricKeys_haveTheAlgorithmsLength() {
        assertEquals(16, Keys.generate(Algorithm.AES_128_GCM).secret().length());
        assertEquals(32, Keys.generate(Algorithm.AES_256_GCM).secret().length());
        assertEquals(32, Keys.generate(Algorithm.CHACHA20_POLY1305).secret().length());
        assertEquals(32, Keys.generate(Algorithm.HMAC_SHA256).secret().length());
        assertEquals(48, Keys.generate(Algorithm.HMAC_SHA384).secret().length());
        assertEquals(64, Keys.generate(Algorithm.HMAC_SHA512).secret().length());
        assertEquals(32, Keys.generate(Algorithm.SECRET).secret().length());
        assertNull(Keys.generate(Algorithm.AES_256_GCM).publicKey());
    }

    @Test
    void generate_rsa_hasTheRightModulusAndExponent() {
        for (Algorithm a : new Algorithm[] {Algorithm.RSA_2048, Algorithm.RSA_3072, Algorithm.RSA_4096}) {
            RSAPublicKey pub = (RSAPublicKey) Pem.publicKey(TestKeys.of(a).publicKey());
            assertEquals(a.size, pub.getModulus().bitLength(), a.id());
            assertEquals(65537, pub.getPublicExponent().intValueExact());
        }
    }

    @Test
    void generate_ec_isOnTheRightCurve() throws Exception {
        for (Algorithm a : new Algorithm[] {Algorithm.EC_P256, Algorithm.EC_P384, Algorithm.EC_P521}) {
            ECPublicKey pub = (ECPublicKey) Pem.publicKey(TestKeys.of(a).publicKey());
            assertTrue(AsymmetricKeys.onCurve(a, pub.getParams()), a.id());
        }
    }

    @Test
    void import_symmetric_checksLengths() {
        assertEquals(16, Keys.importMaterial(Algorithm.AES_128_GCM, new byte[16]).secret().length());
        var e = assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.AES_256_GCM, new byte[16]));
        assertEquals("material for aes-256-gcm must be exactly 32 bytes, got 16", e.getMessage());
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.CHACHA20_POLY1305, new byte[31]));
        assertEquals(16, Keys.importMaterial(Algorithm.HMAC_SHA256, new byte[16]).secret().length());
        assertEquals(1024, Keys.importMaterial(Algorithm.HMAC_SHA512, new byte[1024]).secret().length());
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.HMAC_SHA256, new byte[15]));
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.HMAC_SHA256, new byte[1025]));
        assertEquals(1, Keys.importMaterial(Algorithm.SECRET, new byte[1]).secret().length());
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.SECRET, new byte[0]));
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.SECRET, new byte[65537]));
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.SECRET, null));
    }

    @Test
    void import_copiesTheCallersArray() {
        byte[] raw = Rand.bytes(32);
        KeyMaterial k = Keys.importMaterial(Algorithm.AES_256_GCM, raw);
        byte[] copy = raw.clone();
        raw[0] ^= 1;
        assertArrayEquals(copy, k.secret().revealBytes());
    }

    @Test
    void import_privateKeys_deriveThePublicHalf() {
        for (Algorithm a : new Algorithm[] {Algorithm.RSA_2048, Algorithm.EC_P256, Algorithm.EC_P384, Algorithm.EC_P521,
            Algorithm.ED25519}) {
            KeyMaterial gen = TestKeys.of(a);
            KeyMaterial imported = Keys.importMaterial(a, gen.secret().revealBytes());
            assertTrue(imported.hasSecret(), a.id());
            assertArrayEquals(gen.publicKey(), imported.publicKey(), a.id());
        }
    }

    @Test
    void import_spki_isPublicOnly() {
        for (Algorithm a : new Algorithm[] {Algorithm.RSA_2048, Algorithm.EC_P256, Algorithm.ED25519}) {
            KeyMaterial imported = Keys.importMaterial(a, TestKeys.of(a).publicKey());
            assertFalse(imported.hasSecret(), a.id());
            assertArrayEquals(TestKeys.of(a).publicKey(), imported.publicKey(), a.id());
        }
    }

    @Test
    void import_rsaOfAnotherSize_isRefused() {
        byte[] rsa2048 = TestKeys.of(Algorithm.RSA_2048).secret().revealBytes();
        var e = assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.RSA_3072, rsa2048));
        assertEquals("material for rsa-3072 must be a PKCS#8 (with CRT parameters) or SPKI RSA key with a 3072-bit modulus",
                e.getMessage());
        assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.RSA_4096, TestKeys.of(Algorithm.RSA_2048).publicKey()));
    }

    @Test
    void import_ecOnAnotherCurve_isRefused() {
        var e = assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.EC_P384, TestKeys.of(Algorithm.EC_P256).secret().revealBytes()));
        assertEquals("material for ec-p384 must be a PKCS#8 or SPKI key on P-384", e.getMessage());
        assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.EC_P256, TestKeys.of(Algorithm.EC_P521).publicKey()));
    }

    @Test
    void import_keyOfAnotherType_isRefused() {
        assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.ED25519, TestKeys.of(Algorithm.EC_P256).secret().revealBytes()));
        assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.EC_P256, TestKeys.of(Algorithm.RSA_2048).secret().revealBytes()));
        assertThrows(CryptoInputException.class,
                () -> Keys.importMaterial(Algorithm.RSA_2048, TestKeys.of(Algorithm.ED25519).publicKey()));
    }

    @Test
    void import_garbage_isRefusedWithoutEchoingIt() {
        byte[] garbage = "-----BEGIN PRIVATE KEY----- not really".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (Algorithm a : new Algorithm[] {Algorithm.RSA_2048, Algorithm.EC_P256, Algorithm.ED25519}) {
            var e = assertThrows(CryptoInputException.class, () -> Keys.importMaterial(a, garbage));
            assertFalse(e.getMessage().contains("BEGIN"), e.getMessage());
        }
        assertThrows(CryptoInputException.class, () -> Keys.importMaterial(Algorithm.RSA_2048, new byte[20000]));
    }
}
