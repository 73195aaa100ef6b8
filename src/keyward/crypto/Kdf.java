package keyward.crypto;

import java.util.Arrays;

import javax.crypto.Mac;

/**
 * Key derivation from a managed key's material for protocols that name the method: PBKDF2 (RFC
 * 8018, with HMAC-SHA-1 or SHA-2) and HKDF (RFC 5869, extract then expand, with SHA-2). The
 * output is new key material; the caller stores it as a new key. Stateless and thread-safe.
 */
public final class Kdf {

    /** The PRF hashes served. */
    public enum Prf {
        SHA1("HmacSHA1", 20), SHA256("HmacSHA256", 32), SHA384("HmacSHA384", 48), SHA512("HmacSHA512", 64);

        final String hmacName;
        final int length;

        Prf(String hmacName, int length) {
            this.hmacName = hmacName;
            this.length = length;
        }
    }

    /** PBKDF2 iterations accepted: at least 1, at most a million (a request must end soon). */
    public static final int MAX_ITERATIONS = 1_000_000;
    /** The longest output: 1024 bytes, beyond any key length. */
    public static final int MAX_OUTPUT = 1024;

    private Kdf() {
    }

    /**
     * PBKDF2 of the password {@code secret} (its bytes, as RFC 8018 takes an octet string).
     *
     * @throws CryptoInputException if the iteration count or length is out of range
     */
    public static byte[] pbkdf2(Prf prf, byte[] secret, byte[] salt, int iterations, int length) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new CryptoInputException("PBKDF2 takes 1 to " + MAX_ITERATIONS + " iterations, not " + iterations);
        }
        checkLength(length);
        Mac mac = keyed(prf, secret);
        byte[] out = new byte[length];
        byte[] block = new byte[4];
        for (int i = 1, done = 0; done < length; i++) {
            block[0] = (byte) (i >>> 24);
            block[1] = (byte) (i >>> 16);
            block[2] = (byte) (i >>> 8);
            block[3] = (byte) i;
            mac.update(salt);
            byte[] u = mac.doFinal(block);
            byte[] t = u.clone();
            for (int n = 1; n < iterations; n++) {
                byte[] next = mac.doFinal(u);
                Arrays.fill(u, (byte) 0);
                u = next;
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            int take = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, take);
            done += take;
            Arrays.fill(u, (byte) 0);
            Arrays.fill(t, (byte) 0);
        }
        return out;
    }

    /** HKDF-Extract(salt, secret) then HKDF-Expand(info, length); an empty salt is a hash-long zero salt. */
    public static byte[] hkdf(Prf prf, byte[] secret, byte[] salt, byte[] info, int length) {
        checkLength(length);
        if (length > 255 * prf.length) {
            throw new CryptoInputException("HKDF with this hash yields at most " + 255 * prf.length + " bytes");
        }
        byte[] prk = keyed(prf, salt == null || salt.length == 0 ? new byte[prf.length] : salt).doFinal(secret);
        Mac mac = keyed(prf, prk);
        Arrays.fill(prk, (byte) 0);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            mac.update(t);
            mac.update(info == null ? new byte[0] : info);
            mac.update((byte) i);
            Arrays.fill(t, (byte) 0);
            t = mac.doFinal();
            int take = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, take);
            done += take;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    private static void checkLength(int length) {
        if (length < 1 || length > MAX_OUTPUT) {
            throw new CryptoInputException("a derived key is 1 to " + MAX_OUTPUT + " bytes, not " + length);
        }
    }

    private static Mac keyed(Prf prf, byte[] key) {
        try {
            Mac mac = Mac.getInstance(prf.hmacName);
            // HMAC takes keys of any length; an empty one is legal in RFC 2104 but not in the JCA
            mac.init(new javax.crypto.spec.SecretKeySpec(key.length == 0 ? new byte[1] : key, prf.hmacName));
            return mac;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(prf.hmacName + " failed", e);
        }
    }
}
