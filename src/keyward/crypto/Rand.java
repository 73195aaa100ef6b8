package keyward.crypto;

import java.security.SecureRandom;

/**
 * The process-wide source of randomness: nonces, keys, token values, ids.
 *
 * <p>Thread-safe; {@link SecureRandom} instances are safe to share.
 */
public final class Rand {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Rand() {
    }

    /** {@code n} random bytes. */
    public static byte[] bytes(int n) {
        byte[] out = new byte[n];
        RANDOM.nextBytes(out);
        return out;
    }

    /** A random key id for a new key version; never 0, so that 0 can mean "none" in callers. */
    public static int kid() {
        int kid;
        do {
            kid = RANDOM.nextInt();
        } while (kid == 0);
        return kid;
    }

    /** The shared generator, for key pair generation. */
    static SecureRandom secureRandom() {
        return RANDOM;
    }
}
