package keyward.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-2 hashes used by HMAC and signatures, with what PKCS#1 v1.5 needs to know of them. */
enum Hash {
    SHA224("SHA-224", "HmacSHA224", 28, "302d300d06096086480165030402040500041c"),
    SHA256("SHA-256", "HmacSHA256", 32, "3031300d060960864801650304020105000420"),
    SHA384("SHA-384", "HmacSHA384", 48, "3041300d060960864801650304020205000430"),
    SHA512("SHA-512", "HmacSHA512", 64, "3051300d060960864801650304020305000440");

    final String jcaName;
    final String hmacName;
    final int length;
    private final byte[] digestInfoPrefix;

    Hash(String jcaName, String hmacName, int length, String digestInfoPrefixHex) {
        this.jcaName = jcaName;
        this.hmacName = hmacName;
        this.length = length;
        this.digestInfoPrefix = HexFormat.of().parseHex(digestInfoPrefixHex);
    }

    /** The name as in openssl's and the API's scheme names: "sha256". */
    String shortName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(jcaName).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    /** The DER DigestInfo of {@code digest}, the input of a PKCS#1 v1.5 signature. */
    byte[] digestInfo(byte[] digest) {
        byte[] out = new byte[digestInfoPrefix.length + digest.length];
        System.arraycopy(digestInfoPrefix, 0, out, 0, digestInfoPrefix.length);
        System.arraycopy(digest, 0, out, digestInfoPrefix.length, digest.length);
        return out;
    }
}
