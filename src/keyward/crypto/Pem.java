package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * PEM text for public keys ({@code -----BEGIN PUBLIC KEY-----}, SPKI inside), and SPKI to JCA keys
 * of any supported type. Stateless and thread-safe.
 */
public final class Pem {

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";
    private static final int MAX_PEM = 16384;

    private Pem() {
    }

    /** The PEM form of an SPKI DER public key, lines of 64 characters, ending in a newline. */
    public static String publicKeyPem(byte[] spki) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki);
        return BEGIN + "\n" + body + "\n" + END + "\n";
    }

    /**
     * The SPKI DER inside a PEM public key (RSA, EC or Ed25519).
     *
     * @throws CryptoInputException if it is not such a PEM public key
     */
    public static byte[] parsePublicKeyPem(String pem) {
        if (pem == null || pem.length() > MAX_PEM) {
            throw new CryptoInputException("public key PEM is missing or over " + MAX_PEM + " characters");
        }
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new CryptoInputException("public key must be PEM text between '" + BEGIN + "' and '" + END + "'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end).strip());
        } catch (IllegalArgumentException e) {
            throw new CryptoInputException("public key PEM has invalid base64");
        }
        publicKey(der);
        return der;
    }

    /**
     * A JCA public key from SPKI DER; the type (RSA, EC, Ed25519) comes from the key itself.
     *
     * @throws CryptoInputException if it is not an RSA, EC or Ed25519 SPKI key
     */
    public static PublicKey publicKey(byte[] spki) {
        if (spki == null) {
            throw new CryptoInputException("public key is missing");
        }
        try {
            String oid = SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getAlgorithm().getId();
            String type = switch (oid) {
                case "1.2.840.113549.1.1.1" -> "RSA";
                case "1.2.840.10045.2.1" -> "EC";
                case "1.3.101.112" -> "Ed25519";
                default -> throw new CryptoInputException("public key type " + oid + " is not supported; use RSA, EC or Ed25519");
            };
            return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof CryptoInputException cie) {
                throw cie;
            }
            throw new CryptoInputException("public key is not a valid RSA, EC or Ed25519 SPKI key");
        }
    }
}
