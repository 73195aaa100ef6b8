package keyward.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret bytes (key material, derived keys): never printed, compared in constant time, wiped on
 * {@link #close()}.
 *
 * <p>{@link #revealBytes()} is the one accessor, so every use of raw material can be found with
 * grep. {@code equals} and {@code hashCode} are those of {@link Object} on purpose: content must
 * not leak through hash tables or logs.
 *
 * <p>Thread-safety: safe to read from several threads; {@link #close()} must happen after the last
 * use, and a closed secret refuses {@link #revealBytes()} with {@link IllegalStateException}.
 */
public final class Secret implements AutoCloseable {

    private final byte[] bytes;
    private volatile boolean closed;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes over {@code takenOver} without copying; the caller must not use or keep it. */
    public static Secret of(byte[] takenOver) {
        return new Secret(Objects.requireNonNull(takenOver, "secret bytes"));
    }

    /** A secret holding a copy of {@code bytes}; the caller still owns (and should wipe) its array. */
    public static Secret copyOf(byte[] bytes) {
        return new Secret(Objects.requireNonNull(bytes, "secret bytes").clone());
    }

    /** {@code n} fresh random bytes. */
    public static Secret random(int n) {
        return new Secret(Rand.bytes(n));
    }

    /**
     * The internal array, not a copy, for speed. Do not modify it and do not keep it beyond the
     * life of this secret.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public byte[] revealBytes() {
        if (closed) {
            throw new IllegalStateException("secret was already closed");
        }
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    /** Compares contents in time that depends only on the lengths. */
    public boolean equalsConstantTime(Secret other) {
        return other != null && MessageDigest.isEqual(revealBytes(), other.revealBytes());
    }

    /** Overwrites the bytes with zeros; idempotent. */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
