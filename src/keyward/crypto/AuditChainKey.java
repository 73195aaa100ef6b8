package keyward.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the audit hash chain: HMAC-SHA256 under a key derived from the audit signing key
 * (HKDF-SHA256, RFC 5869, over its 32-byte Ed25519 seed with a fixed label), so that only a
 * holder of {@code audit.key} can compute an entry's hash. The database never sees it. Immutable
 * and thread-safe; each thread takes its own {@link Tagger}.
 */
public final class AuditChainKey {

    /** The length of every tag: HMAC-SHA256. */
    public static final int TAG_LENGTH = 32;
    private static final byte[] SALT = "keyward-audit-chain".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "keyward-audit-chain-key-v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    private AuditChainKey(byte[] derived) {
        this.key = new SecretKeySpec(derived, "HmacSHA256");
    }

    /** The chain key of {@code auditKey}. */
    public static AuditChainKey of(AuditKey auditKey) {
        byte[] seed = auditKey.seedForDerivation();
        try {
            return fromSecret(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * The chain key derived from an arbitrary secret: what an attacker with a guessed or foreign key
     * would compute. Tests use it to play that attacker.
     */
    public static AuditChainKey fromSecret(byte[] secret) {
        byte[] prk = hmac(SALT, secret);
        byte[] block = Arrays.copyOf(INFO, INFO.length + 1);
        block[INFO.length] = 1; // HKDF-Expand: T(1), all 32 bytes needed
        try {
            return new AuditChainKey(hmac(prk, block));
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** A MAC for one thread. */
    public Tagger tagger() {
        return new Tagger(key);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }

    /** HMAC-SHA256 under the chain key, reused across calls. Not thread-safe. */
    public static final class Tagger {
        private final Mac mac;

        private Tagger(SecretKeySpec key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks HmacSHA256", e);
            }
        }

        /** The tag of {@code data[offset, offset + length)}. */
        public byte[] tag(byte[] data, int offset, int length) {
            mac.update(data, offset, length);
            return mac.doFinal();
        }
    }

    @Override
    public String toString() {
        return "AuditChainKey[***]";
    }
}
