package keyward.crypto;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Conversions between the key encodings Keyward stores (PKCS#8 private keys, SubjectPublicKeyInfo
 * public keys) and RSA's PKCS#1 forms, for protocols that ask for those (KMIP's Key Format Type
 * PKCS#1). Checks the structure only; {@link Keys#importMaterial} checks the key. A refusal is a
 * {@link CryptoInputException} that never quotes the bytes. Stateless.
 */
public final class KeyFormats {
    private static final AlgorithmIdentifier RSA = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
            DERNull.INSTANCE);

    private KeyFormats() {
    }

    /** The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key. */
    public static byte[] rsaPrivatePkcs1(byte[] pkcs8) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
            if (!info.getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
                throw new CryptoInputException("PKCS#1 is a format of RSA keys only");
            }
            return RSAPrivateKey.getInstance(info.parsePrivateKey()).getEncoded();
        } catch (java.io.IOException | RuntimeException e) {
            throw e instanceof CryptoInputException c ? c : new CryptoInputException("not a PKCS#8 RSA private key");
        }
    }

    /** A PKCS#1 RSAPrivateKey as PKCS#8. */
    public static byte[] rsaPrivatePkcs8(byte[] pkcs1) {
        try {
            return new PrivateKeyInfo(RSA, RSAPrivateKey.getInstance(pkcs1)).getEncoded();
        } catch (java.io.IOException | RuntimeException e) {
            throw new CryptoInputException("the key material is not a PKCS#1 RSA private key");
        }
    }

    /** The PKCS#1 RSAPublicKey inside an RSA SubjectPublicKeyInfo. */
    public static byte[] rsaPublicPkcs1(byte[] spki) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
            if (!info.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
                throw new CryptoInputException("PKCS#1 is a format of RSA keys only");
            }
            return RSAPublicKey.getInstance(info.parsePublicKey()).getEncoded();
        } catch (java.io.IOException | RuntimeException e) {
            throw e instanceof CryptoInputException c ? c : new CryptoInputException("not an RSA public key");
        }
    }

    /** A PKCS#1 RSAPublicKey as SubjectPublicKeyInfo. */
    public static byte[] rsaPublicSpki(byte[] pkcs1) {
        try {
            return new SubjectPublicKeyInfo(RSA, RSAPublicKey.getInstance(pkcs1)).getEncoded();
        } catch (java.io.IOException | RuntimeException e) {
            throw new CryptoInputException("the key material is not a PKCS#1 RSA public key");
        }
    }
}
