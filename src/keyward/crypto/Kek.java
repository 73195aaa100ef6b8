package keyward.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The key-encryption key ("master key"): every piece of key material at rest is wrapped by it.
 *
 * <pre>
 * wrapped:  +------+--------------+------------------------------+
 *           | 0x01 | nonce (12 B) | AES-256-GCM ciphertext ‖ tag |
 *           +------+--------------+------------------------------+
 * AAD = lp("keyward-kek-v1") ‖ lp(objectId) ‖ lp(purpose) ‖ BE32(kid) ‖ lp(kek id)
 *       where lp(s) = BE32(len(utf8(s))) ‖ utf8(s)
 * </pre>
 *
 * The AAD binds each wrapped value to its row (object id, key version id, purpose), so a database
 * administrator cannot move material between rows. {@link #id()} names the KEK without revealing
 * it: the first 4 bytes of HMAC-SHA256(kek, "keyward-kek-id-v1"), in hex.
 *
 * <p>Key file: one line {@code keyward-kek-v1:<base64 of 32 bytes>}, mode 0600. Immutable and
 * thread-safe.
 */
public final class Kek {

    static final String FILE_PREFIX = "keyward-kek-v1:";
    static final int KEY_LENGTH = 32;
    private static final byte[] CANARY = "keyward master key canary v1".getBytes(StandardCharsets.US_ASCII);

    private final Secret key;
    /** The wrapped layout above is a {@link Sealer}'s under the KEK itself. */
    private final Sealer sealer;
    private final String id;

    private Kek(Secret key) {
        if (key.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("a KEK is 32 bytes");
        }
        this.key = key;
        this.sealer = new Sealer(key);
        byte[] mac = Macs.hmac(Hash.SHA256, key.revealBytes(), "keyward-kek-id-v1".getBytes(StandardCharsets.US_ASCII));
        this.id = HexFormat.of().formatHex(mac, 0, 4);
    }

    /** Wraps raw key bytes (taken over) as a KEK; for tests and derived keys. */
    static Kek of(Secret key) {
        return new Kek(key);
    }

    public static Kek generate() {
        return new Kek(Secret.random(KEY_LENGTH));
    }

    /**
     * Reads a KEK file.
     *
     * @throws KeyFileException if missing, open to group or others, or malformed
     */
    public static Kek load(Path keyFile) {
        byte[] bytes = KeyFile.read(keyFile, FILE_PREFIX);
        if (bytes.length != KEY_LENGTH) {
            Arrays.fill(bytes, (byte) 0);
            throw new KeyFileException("key file " + keyFile + " does not hold a 32-byte master key");
        }
        return new Kek(Secret.of(bytes));
    }

    /**
     * Writes this KEK to a new file created with mode 0600.
     *
     * @throws KeyFileException if the file exists or cannot be written
     */
    public void save(Path keyFile) {
        KeyFile.write(keyFile, FILE_PREFIX, key.revealBytes());
    }

    /**
     * Derives the KEK from a passphrase with Argon2id (m = 64 MiB, t = 3, p = 1). Takes about a
     * second; the caller keeps and wipes {@code passphrase}.
     *
     * @throws CryptoInputException if the passphrase is empty or the salt is not 16 bytes
     */
    public static Kek fromPassphrase(char[] passphrase, byte[] salt16) {
        if (passphrase == null || passphrase.length == 0) {
            throw new CryptoInputException("the master key passphrase is empty");
        }
        if (salt16 == null || salt16.length != 16) {
            throw new CryptoInputException("the master key salt must be 16 bytes");
        }
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(passphrase));
        byte[] password = new byte[utf8.remaining()];
        utf8.get(password);
        try {
            return new Kek(Secret.of(Argon2.argon2id(password, salt16, null, null, 3, 64 * 1024, 1, KEY_LENGTH)));
        } finally {
            Arrays.fill(password, (byte) 0);
            Arrays.fill(utf8.array(), (byte) 0);
        }
    }

    /** 8 hex characters naming this KEK; stored beside every value it wraps. */
    public String id() {
        return id;
    }

    /** Wraps {@code plaintext} for the row ({@code objectId}, {@code kid}, {@code purpose}). */
    public byte[] wrap(byte[] plaintext, String objectId, int kid, String purpose) {
        return sealer.seal(plaintext, aad(objectId, kid, purpose));
    }

    /**
     * Opens a value made by {@link #wrap} with the same row binding.
     *
     * @throws DecryptionFailedException if it is not this KEK's or not this row's, or was altered
     */
    public Secret unwrap(byte[] wrapped, String objectId, int kid, String purpose) throws DecryptionFailedException {
        return Secret.of(sealer.open(wrapped, aad(objectId, kid, purpose)));
    }

    /** A value only this KEK opens, for the database: a node with another KEK refuses to start. */
    public byte[] makeCanary() {
        return wrap(CANARY, "keyward", 0, "canary");
    }

    /** True if {@code canary} was made by this KEK's {@link #makeCanary()}. */
    public boolean opensCanary(byte[] canary) {
        try (Secret s = unwrap(canary, "keyward", 0, "canary")) {
            return java.security.MessageDigest.isEqual(s.revealBytes(), CANARY);
        } catch (DecryptionFailedException e) {
            return false;
        }
    }

    private byte[] aad(String objectId, int kid, String purpose) {
        byte[][] parts = {
            "keyward-kek-v1".getBytes(StandardCharsets.UTF_8),
            Objects.requireNonNull(objectId, "objectId").getBytes(StandardCharsets.UTF_8),
            Objects.requireNonNull(purpose, "purpose").getBytes(StandardCharsets.UTF_8),
        };
        byte[] kekId = id.getBytes(StandardCharsets.US_ASCII);
        int n = 4 + 4 + kekId.length; // kid, then the length-prefixed kek id
        for (byte[] p : parts) {
            n += 4 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.putInt(p.length).put(p);
        }
        b.putInt(kid).putInt(kekId.length).put(kekId);
        return b.array();
    }

    @Override
    public String toString() {
        return "Kek[" + id + "]";
    }
}
