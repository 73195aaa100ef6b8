package keyward.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The canonical byte encodings the audit chain hashes and the checkpoints sign. Every field is
 * length-prefixed, so no two different entries encode alike (moving a character from one field
 * into the next changes the bytes), and a null differs from an empty string:
 *
 * <pre>
 *   entry      = "keyward-audit-entry-v1"      | bytes(prevHash) | text(node) | u64 seq | i64 time ms
 *                | text(user) | text(operation) | text(keyRef) | text(outcome) | text(remote)
 *   checkpoint = "keyward-audit-checkpoint-v1" | text(node) | u64 seq | bytes(hash) | i64 time ms
 *   text(s)    = u32 length of UTF-8(s) | UTF-8(s)      (length 0xFFFFFFFF, no bytes: null)
 *   bytes(b)   = u32 length | b
 * </pre>
 * Integers are big-endian. Entry hash = SHA-256(entry). Stateless and thread-safe.
 */
final class AuditHashes {

    /** SHA-256: the length of every entry hash. */
    static final int HASH_LENGTH = 32;

    private static final String ENTRY_TAG = "keyward-audit-entry-v1";
    private static final String CHECKPOINT_TAG = "keyward-audit-checkpoint-v1";

    private AuditHashes() {
    }

    /** The previous hash of a chain's first entry: 32 zero bytes. */
    static byte[] zero() {
        return new byte[HASH_LENGTH];
    }

    /** SHA-256 over the previous hash and the entry's fields. */
    static byte[] entryHash(byte[] prevHash, String node, long seq, long timeMillis, String user, String operation,
                            String keyRef, String outcome, String remote) {
        Encoder e = new Encoder(ENTRY_TAG);
        e.bytes(prevHash);
        e.text(node);
        e.number(seq);
        e.number(timeMillis);
        e.text(user);
        e.text(operation);
        e.text(keyRef);
        e.text(outcome);
        e.text(remote);
        try {
            return MessageDigest.getInstance("SHA-256").digest(e.done());
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException("JDK lacks SHA-256", x);
        }
    }

    /** The statement a checkpoint's Ed25519 signature covers. */
    static byte[] checkpointStatement(String node, long seq, byte[] hash, long timeMillis) {
        Encoder e = new Encoder(CHECKPOINT_TAG);
        e.text(node);
        e.number(seq);
        e.bytes(hash);
        e.number(timeMillis);
        return e.done();
    }

    /** Writes into memory only, so the IOExceptions of DataOutputStream cannot happen. */
    private static final class Encoder {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(buffer);

        Encoder(String tag) {
            text(tag);
        }

        void text(String s) {
            bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] b) {
            try {
                if (b == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(b.length);
                    out.write(b);
                }
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
        }

        void number(long n) {
            try {
                out.writeLong(n);
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
        }

        byte[] done() {
            return buffer.toByteArray();
        }
    }
}
