package keyward.crypto;

import javax.crypto.Mac;

/**
 * A keyed pseudorandom function, HMAC-SHA256: opaque names and check values that only the key's
 * holder can compute. Made by {@link KeyDerivation#prf}. Thread-safe: each thread keeps its own
 * keyed {@link Mac}.
 */
public final class Prf {
    /** Length of every output. */
    public static final int LENGTH = 32;

    private final ThreadLocal<Mac> macs;

    Prf(Secret key) {
        this.macs = ThreadLocal.withInitial(() -> Macs.keyed(Hash.SHA256, key.revealBytes()));
    }

    /** HMAC-SHA256(key, message), {@link #LENGTH} bytes. */
    public byte[] apply(byte[] message) {
        return macs.get().doFinal(message);
    }

    @Override
    public String toString() {
        return "Prf[***]";
    }
}
