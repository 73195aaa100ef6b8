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

    /**
     * A version 7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random bits from
     * the CSPRNG. Ids made one after another sort by time, so a new key's rows land at the end of
     * every B-tree keyed by id instead of on a random page of each (on SQLite with many keys, that
     * is most of the bytes a create writes). The time is no secret: it is also the key's created_at.
     */
    public static String uuidV7(long unixMillis) {
        byte[] b = bytes(16);
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (unixMillis >>> (40 - 8 * i));
        }
        b[6] = (byte) ((b[6] & 0x0f) | 0x70); // version 7
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // variant 10
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return s.toString();
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
