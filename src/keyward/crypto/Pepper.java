package keyward.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The pepper for API tokens: tokens are stored only as HMAC-SHA256(pepper, token), so a copy of
 * the database alone does not let anyone check guesses. Every instance of a deployment needs the
 * same pepper. Key file: one line {@code keyward-pepper-v1:<base64 of 32 bytes>}, mode 0600.
 * Immutable and thread-safe.
 */
public final class Pepper {

    static final String FILE_PREFIX = "keyward-pepper-v1:";
    private static final int LENGTH = 32;

    private final Secret key;
    /** Each thread's HMAC, keyed once: tokens are hashed on every request. */
    private final ThreadLocal<Mac> macs;

    private Pepper(Secret key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(() -> Macs.keyed(Hash.SHA256, key.revealBytes()));
    }

    public static Pepper generate() {
        return new Pepper(Secret.random(LENGTH));
    }

    /**
     * @throws KeyFileException if missing, open to group or others, or malformed
     */
    public static Pepper load(Path file) {
        byte[] bytes = KeyFile.read(file, FILE_PREFIX);
        if (bytes.length != LENGTH) {
            Arrays.fill(bytes, (byte) 0);
            throw new KeyFileException("key file " + file + " does not hold a 32-byte pepper");
        }
        return new Pepper(Secret.of(bytes));
    }

    /**
     * Writes the pepper to a new file created with mode 0600.
     *
     * @throws KeyFileException if the file exists or cannot be written
     */
    public void save(Path file) {
        KeyFile.write(file, FILE_PREFIX, key.revealBytes());
    }

    /** The stored form of {@code token}: HMAC-SHA256(pepper, UTF-8 token), 32 bytes. */
    public byte[] hashToken(String token) {
        return macs.get().doFinal(token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Pepper[***]";
    }
}
