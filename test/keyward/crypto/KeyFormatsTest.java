package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;

/** RSA's PKCS#1 forms beside the PKCS#8 and SubjectPublicKeyInfo encodings Keyward stores. */
class KeyFormatsTest {
    private static final KeyPair RSA = rsa();

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void privateKey_pkcs1_isTheRsaPrivateKeyStructure_andRoundTrips() throws Exception {
        byte[] pkcs8 = RSA.getPrivate().getEncoded();
        byte[] pkcs1 = KeyFormats.rsaPrivatePkcs1(pkcs8);
        ASN1Sequence seq = ASN1Sequence.getInstance(pkcs1);
        assertEquals(9, seq.size(), "version, n, e, d, p, q, dp, dq, qinv");
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) RSA.getPrivate();
        assertEquals(crt.getModulus(), ((ASN1Integer) seq.getObjectAt(1)).getValue());
        assertEquals(crt.getPrivateExponent(), ((ASN1Integer) seq.getObjectAt(3)).getValue());
        assertArrayEquals(pkcs8, KeyFormats.rsaPrivatePkcs8(pkcs1));
        assertEquals(RSA.getPrivate(), KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(KeyFormats.rsaPrivatePkcs8(pkcs1))));
    }

    @Test
    void publicKey_pkcs1_isModulusAndExponent_andRoundTrips() {
        byte[] spki = RSA.getPublic().getEncoded();
        byte[] pkcs1 = KeyFormats.rsaPublicPkcs1(spki);
        ASN1Sequence seq = ASN1Sequence.getInstance(pkcs1);
        assertEquals(2, seq.size());
        assertEquals(((RSAPublicKey) RSA.getPublic()).getModulus(), ((ASN1Integer) seq.getObjectAt(0)).getValue());
        assertEquals(BigInteger.valueOf(65537), ((ASN1Integer) seq.getObjectAt(1)).getValue());
        assertArrayEquals(spki, KeyFormats.rsaPublicSpki(pkcs1));
    }

    @Test
    void otherKeysAndGarbage_areRefused_withoutQuotingTheBytes() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair p = ec.generateKeyPair();
        assertEquals("PKCS#1 is a format of RSA keys only", assertThrows(CryptoInputException.class,
                () -> KeyFormats.rsaPrivatePkcs1(p.getPrivate().getEncoded())).getMessage());
        assertEquals("PKCS#1 is a format of RSA keys only", assertThrows(CryptoInputException.class,
                () -> KeyFormats.rsaPublicPkcs1(p.getPublic().getEncoded())).getMessage());
        byte[] garbage = HexFormat.of().parseHex("30030201ff");
        for (org.junit.jupiter.api.function.Executable e : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                () -> KeyFormats.rsaPrivatePkcs1(garbage), () -> KeyFormats.rsaPrivatePkcs8(garbage),
                () -> KeyFormats.rsaPublicPkcs1(garbage), () -> KeyFormats.rsaPublicSpki(garbage),
                () -> KeyFormats.rsaPrivatePkcs8(new byte[0]))) {
            CryptoInputException x = assertThrows(CryptoInputException.class, e);
            assertFalse(x.getMessage().toLowerCase(java.util.Locale.ROOT).contains("ff"), x.getMessage());
        }
    }
}
