package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PemTest {

    @Test
    void publicKeyPem_roundTripsForEveryAsymmetricType() {
        for (Algorithm a : new Algorithm[] {Algorithm.RSA_2048, Algorithm.EC_P256, Algorithm.EC_P521, Algorithm.ED25519}) {
            byte[] spki = TestKeys.of(a).publicKey();
            String pem = Pem.publicKeyPem(spki);
            assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"), pem);
            assertTrue(pem.lines().allMatch(l -> l.length() <= 64), pem);
            assertArrayEquals(spki, Pem.parsePublicKeyPem(pem), a.id());
            assertArrayEquals(spki, Pem.parsePublicKeyPem("  \r\n" + pem.replace("\n", "\r\n")), a.id() + " crlf");
        }
    }

    @Test
    void publicKey_detectsTheType() {
        assertEquals("RSA", Pem.publicKey(TestKeys.of(Algorithm.RSA_2048).publicKey()).getAlgorithm());
        assertEquals("EC", Pem.publicKey(TestKeys.of(Algorithm.EC_P384).publicKey()).getAlgorithm());
        assertTrue(Pem.publicKey(TestKeys.of(Algorithm.ED25519).publicKey()).getAlgorithm().startsWith("Ed"));
    }

    @Test
    void parse_garbage_isAnInputError() {
        String good = Pem.publicKeyPem(TestKeys.of(Algorithm.EC_P256).publicKey());
        for (String bad : new String[] {null, "", "hello", "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", good.replace("PUBLIC", "PRIVATE"),
            "x".repeat(20000)}) {
            assertThrows(CryptoInputException.class, () -> Pem.parsePublicKeyPem(bad), String.valueOf(bad));
        }
        assertThrows(CryptoInputException.class, () -> Pem.publicKey(new byte[] {0x30, 0x00}));
        assertThrows(CryptoInputException.class, () -> Pem.publicKey(null));
    }
}
