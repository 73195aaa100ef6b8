package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC with hmac-sha256/-sha384/-sha512 keys. The MAC is the raw HMAC output, which any tool can
 * recompute; verification compares in constant time. Thread-safe: each thread keeps its own
 * {@link Mac} instances.
 */
public final class Macs {

    private static final ThreadLocal<Map<Hash, Mac>> MACS = ThreadLocal.withInitial(() -> new EnumMap<>(Hash.class));

    private Macs() {
    }

    /**
     * HMAC of {@code message} under {@code key}.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} is not an HMAC algorithm
     */
    public static byte[] mac(Algorithm alg, Secret key, byte[] message) {
        alg.require(Operation.MAC);
        return hmac(alg.hash, key.revealBytes(), message);
    }

    /**
     * True if {@code mac} is the HMAC of {@code message}; false for any other value, any length.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} is not an HMAC algorithm
     */
    public static boolean verify(Algorithm alg, Secret key, byte[] message, byte[] mac) {
        alg.require(Operation.MAC_VERIFY);
        return mac != null && MessageDigest.isEqual(hmac(alg.hash, key.revealBytes(), message), mac);
    }

    /** Raw HMAC, for the barrier's own derivations (key ids, token hashes). */
    /** A new HMAC instance keyed with {@code key}, for a caller that keeps one per thread. */
    static Mac keyed(Hash hash, byte[] key) {
        try {
            Mac mac = Mac.getInstance(hash.hmacName);
            mac.init(new SecretKeySpec(key, hash.hmacName));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacName + " failed", e);
        }
    }

    static byte[] hmac(Hash hash, byte[] key, byte[] message) {
        try {
            Mac mac = MACS.get().get(hash);
            if (mac == null) {
                mac = Mac.getInstance(hash.hmacName);
                MACS.get().put(hash, mac);
            }
            mac.init(new SecretKeySpec(key, hash.hmacName));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacName + " failed", e);
        }
    }
}
