package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;

import keyward.crypto.Signatures.Scheme;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static final byte[] MESSAGE = "pay 100 to bob".getBytes(StandardCharsets.UTF_8);

    /** Every (algorithm, scheme) pair that fits. */
    static List<Object[]> pairs() {
        List<Object[]> out = new java.util.ArrayList<>();
        for (Algorithm a : Algorithm.values()) {
            if (!a.supports(Operation.SIGN)) {
                continue;
            }
            for (Scheme s : Scheme.values()) {
                try {
                    Signatures.scheme(a, s.id());
                    out.add(new Object[] {a, s});
                } catch (UnsupportedByAlgorithmException e) {
                    // does not fit: covered elsewhere
                }
            }
        }
        return out;
    }

    @Test
    void signVerify_everyAlgorithmAndScheme_roundTripsInBothModes() {
        assertEquals(3 * 3 + 3 * 6 + 1, pairs().size());
        for (Object[] p : pairs()) {
            Algorithm a = (Algorithm) p[0];
            Scheme s = (Scheme) p[1];
            KeyMaterial key = TestKeys.of(a);
            byte[] sig = Signatures.sign(a, key, s, MESSAGE, false);
            String what = a.id() + " " + s.id();
            assertTrue(Signatures.verify(a, key.publicKey(), s, MESSAGE, false, sig), what);
            assertFalse(Signatures.verify(a, key.publicKey(), s, "pay 900 to bob".getBytes(StandardCharsets.UTF_8), false, sig),
                    what);
            if (s == Scheme.ED25519) {
                continue;
            }
            byte[] digest = s.hash.digest(MESSAGE);
            byte[] digestSig = Signatures.sign(a, key, s, digest, true);
            assertTrue(Signatures.verify(a, key.publicKey(), s, MESSAGE, false, digestSig), what + " digest");
            assertTrue(Signatures.verify(a, key.publicKey(), s, digest, true, sig), what + " digest verify");
        }
    }

    @Test
    void scheme_defaults_followTheKey() {
        assertEquals(Scheme.ECDSA_SHA256, Signatures.scheme(Algorithm.EC_P256, null));
        assertEquals(Scheme.ECDSA_SHA384, Signatures.scheme(Algorithm.EC_P384, null));
        assertEquals(Scheme.ECDSA_SHA512, Signatures.scheme(Algorithm.EC_P521, null));
        assertEquals(Scheme.RSA_PSS_SHA256, Signatures.scheme(Algorithm.RSA_3072, null));
        assertEquals(Scheme.ED25519, Signatures.scheme(Algorithm.ED25519, null));
        assertEquals(Scheme.RSA_PKCS1_SHA256, Signatures.scheme(Algorithm.RSA_2048, "rsa-pkcs1-sha256"));
    }

    @Test
    void scheme_thatDoesNotFitTheKey_isUnsupported() {
        var e = assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.scheme(Algorithm.EC_P256, "rsa-pss-sha256"));
        assertEquals("signature algorithm rsa-pss-sha256 does not fit ec-p256 keys", e.getMessage());
        assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.scheme(Algorithm.RSA_2048, "ecdsa-sha256"));
        assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.scheme(Algorithm.ED25519, "ecdsa-sha512"));
        assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.scheme(Algorithm.EC_P384, "ed25519"));
        assertThrows(UnsupportedByAlgorithmException.class,
                () -> Signatures.sign(Algorithm.EC_P256, TestKeys.of(Algorithm.EC_P256), Scheme.RSA_PSS_SHA256, MESSAGE, false));
    }

    @Test
    void scheme_withNonSigningKeys_isUnsupported() {
        for (Algorithm a : new Algorithm[] {Algorithm.AES_256_GCM, Algorithm.HMAC_SHA256, Algorithm.SECRET}) {
            assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.scheme(a, null), a.id());
        }
    }

    @Test
    void scheme_unknownName_isAnInputError() {
        var e = assertThrows(CryptoInputException.class, () -> Signatures.scheme(Algorithm.EC_P256, "ecdsa-md5"));
        assertTrue(e.getMessage().startsWith("signature algorithm 'ecdsa-md5' is unknown; use one of ecdsa-sha256"));
    }

    @Test
    void sign_digestOfTheWrongLength_isAnInputError() {
        var e = assertThrows(CryptoInputException.class, () -> Signatures.sign(Algorithm.EC_P256,
                TestKeys.of(Algorithm.EC_P256), Scheme.ECDSA_SHA256, new byte[31], true));
        assertEquals("digest is 31 bytes; ecdsa-sha256 takes a 32-byte SHA-256 digest", e.getMessage());
        assertThrows(CryptoInputException.class, () -> Signatures.verify(Algorithm.RSA_2048,
                TestKeys.of(Algorithm.RSA_2048).publicKey(), Scheme.RSA_PSS_SHA384, new byte[32], true, new byte[256]));
    }

    @Test
    void ed25519_withADigest_isUnsupported() {
        assertThrows(UnsupportedByAlgorithmException.class, () -> Signatures.sign(Algorithm.ED25519,
                TestKeys.of(Algorithm.ED25519), Scheme.ED25519, new byte[32], true));
    }

    @Test
    void sign_withAPublicOnlyKey_isUnsupported() {
        KeyMaterial pub = new KeyMaterial(null, TestKeys.of(Algorithm.EC_P256).publicKey());
        assertThrows(UnsupportedByAlgorithmException.class,
                () -> Signatures.sign(Algorithm.EC_P256, pub, Scheme.ECDSA_SHA256, MESSAGE, false));
    }

    @Test
    void verify_malformedSignatures_areFalseNeverThrown() {
        for (Object[] p : pairs()) {
            Algorithm a = (Algorithm) p[0];
            Scheme s = (Scheme) p[1];
            byte[] pub = TestKeys.of(a).publicKey();
            for (byte[] sig : new byte[][] {null, new byte[0], new byte[1], new byte[64], Rand.bytes(72), Rand.bytes(512),
                {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}}) {
                assertFalse(Signatures.verify(a, pub, s, MESSAGE, false, sig), a.id() + " " + s.id());
            }
        }
    }

    @Test
    void verify_anyFlippedByteOfASignature_isFalse() {
        for (Algorithm a : new Algorithm[] {Algorithm.EC_P256, Algorithm.ED25519, Algorithm.RSA_2048}) {
            Scheme s = Signatures.scheme(a, null);
            KeyMaterial key = TestKeys.of(a);
            byte[] sig = Signatures.sign(a, key, s, MESSAGE, false);
            for (int i = 0; i < sig.length; i++) {
                byte[] bad = sig.clone();
                bad[i] ^= 1;
                assertFalse(Signatures.verify(a, key.publicKey(), s, MESSAGE, false, bad), a.id() + " byte " + i);
            }
        }
    }

    @Test
    void pssOverADigest_verifiesWithTheJdkAsAnOrdinaryPssSignature() throws Exception {
        for (Scheme s : new Scheme[] {Scheme.RSA_PSS_SHA256, Scheme.RSA_PSS_SHA384, Scheme.RSA_PSS_SHA512}) {
            KeyMaterial key = TestKeys.of(Algorithm.RSA_2048);
            byte[] sig = Signatures.sign(Algorithm.RSA_2048, key, s, s.hash.digest(MESSAGE), true);
            Signature jdk = Signature.getInstance("RSASSA-PSS");
            jdk.setParameter(new PSSParameterSpec(s.hash.jcaName, "MGF1", new MGF1ParameterSpec(s.hash.jcaName),
                    s.hash.length, 1));
            jdk.initVerify(Pem.publicKey(key.publicKey()));
            jdk.update(MESSAGE);
            assertTrue(jdk.verify(sig), s.id());
            assertEquals(256, sig.length);
        }
    }

    @Test
    void signatureFormats_areTheStandardOnes() {
        assertEquals(64, Signatures.sign(Algorithm.ED25519, TestKeys.of(Algorithm.ED25519), Scheme.ED25519, MESSAGE, false).length);
        assertEquals(0x30, Signatures.sign(Algorithm.EC_P384, TestKeys.of(Algorithm.EC_P384), Scheme.ECDSA_SHA384, MESSAGE,
                false)[0]);
        assertEquals(384, Signatures.sign(Algorithm.RSA_3072, TestKeys.of(Algorithm.RSA_3072), Scheme.RSA_PKCS1_SHA512,
                MESSAGE, false).length);
    }
}
