package keyward.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A 32-byte uniform master key and the purpose-bound keys derived from it: a {@link Sealer} or a
 * {@link Prf} per purpose string, whose key is
 * <pre>
 * k_purpose = HKDF-Expand-SHA256(master, UTF-8(purpose), 32)       (master is uniform: no Extract)
 * </pre>
 * Different purposes give independent keys. Derived sealers and PRFs keep their own copies, so
 * this object may be {@link #close() closed} (and its master wiped) once they are made.
 * Thread-safe until closed.
 */
public final class KeyDerivation implements AutoCloseable {
    /** Length of a master key. */
    public static final int KEY_LENGTH = 32;
    /** Length of the salt {@link #fromPassword} wants. */
    public static final int SALT_LENGTH = 16;

    private final Secret master;

    private KeyDerivation(Secret master) {
        if (master.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("a master key is 32 bytes");
        }
        this.master = master;
    }

    /** Takes over {@code master} (32 uniformly random bytes, e.g. from {@link Secret#random}). */
    public static KeyDerivation of(Secret master) {
        return new KeyDerivation(master);
    }

    /**
     * The master key of {@code password}: Argon2id (version 0x13) of its UTF-8 bytes with
     * m = 64 MiB, t = 2, p = 1, 32 bytes. Slow (about a second) and 64 MiB by design; the caller
     * keeps and wipes {@code password}.
     *
     * @throws CryptoInputException if the password is empty or the salt is not 16 bytes
     */
    public static KeyDerivation fromPassword(char[] password, byte[] salt) {
        if (password == null || password.length == 0) {
            throw new CryptoInputException("the master password is empty");
        }
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new CryptoInputException("the master key salt must be 16 bytes");
        }
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        try {
            return new KeyDerivation(Secret.of(Argon2.argon2id(bytes, salt, null, null, 2, 64 * 1024, 1, KEY_LENGTH)));
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(utf8.array(), (byte) 0);
        }
    }

    /** A sealer under k_purpose. */
    public Sealer sealer(String purpose) {
        return new Sealer(derive(purpose));
    }

    /** A PRF keyed with k_purpose. */
    public Prf prf(String purpose) {
        return new Prf(derive(purpose));
    }

    private Secret derive(String purpose) {
        return Secret.of(Hkdf.expand(master.revealBytes(), purpose.getBytes(StandardCharsets.UTF_8), KEY_LENGTH));
    }

    /** Wipes the master key; what was derived stays usable. */
    @Override
    public void close() {
        master.close();
    }

    @Override
    public String toString() {
        return "KeyDerivation[***]";
    }
}
