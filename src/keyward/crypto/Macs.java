package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC with hmac-sha256/-sha384/-sha512 keys (and, for Transit, their material under another SHA-2). The MAC is the raw HMAC output, which any tool can
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

    /**
     * HMAC of {@code message} with the key's material under another hash, as Transit's
     * {@code hmac/<name>/<algorithm>}: {@code hash} is "sha224", "sha256", "sha384" or "sha512",
     * null for the key's own hash.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} is not an HMAC algorithm
     * @throws CryptoInputException if {@code hash} is none of those names
     */
    public static byte[] macWithHash(Algorithm alg, Secret key, byte[] message, String hash) {
        alg.require(Operation.MAC);
        return hmac(hash(alg, hash), key.revealBytes(), message);
    }

    /**
     * True if {@code mac} is {@link #macWithHash} of {@code message}; false for any other value.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} is not an HMAC algorithm
     * @throws CryptoInputException if {@code hash} is not a served name
     */
    public static boolean verifyWithHash(Algorithm alg, Secret key, byte[] message, byte[] mac, String hash) {
        alg.require(Operation.MAC_VERIFY);
        Hash h = hash(alg, hash);
        return mac != null && MessageDigest.isEqual(hmac(h, key.revealBytes(), message), mac);
    }

    private static Hash hash(Algorithm alg, String name) {
        if (name == null) {
            return alg.hash;
        }
        for (Hash h : Hash.values()) {
            if (h.shortName().equals(name)) {
                return h;
            }
        }
        throw new CryptoInputException("HMAC hash '" + name + "' is unknown; use sha224, sha256, sha384 or sha512");
    }

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

    /** Raw HMAC, for the barrier's own derivations (key ids, token hashes). */
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
