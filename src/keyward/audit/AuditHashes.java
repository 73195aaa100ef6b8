package keyward.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import keyward.crypto.AuditChainKey;

/**
 * The canonical byte encodings the audit chain hashes and the checkpoints sign. Every field is
 * length-prefixed, so no two different entries encode alike (moving a character from one field
 * into the next changes the bytes), and a null differs from an empty string:
 *
 * <pre>
 *   entry         = tag | bytes(prevHash) | text(node) | u64 seq | i64 time ms
 *                   | text(user) | text(operation) | text(keyRef) | text(outcome) | text(remote)
 *                   tag: text("keyward-audit-entry-v2") keyed, text("keyward-audit-entry-v1") unkeyed
 *   checkpoint v1 = "keyward-audit-checkpoint-v1" | text(node) | u64 seq | bytes(hash) | i64 time ms
 *   checkpoint v2 = "keyward-audit-checkpoint-v2" | text(node) | u64 seq | bytes(hash) | i64 time ms
 *                   | u64 keyedFrom | u64 prevSeq | bytes(prevDigest)
 *   text(s)       = u32 length of UTF-8(s) | UTF-8(s)      (length 0xFFFFFFFF, no bytes: null)
 *   bytes(b)      = u32 length | b
 * </pre>
 * Integers are big-endian. Keyed entry hash = HMAC-SHA256(chain key, entry), the chain key being
 * derived from the audit key ({@link AuditChainKey}); unkeyed (entries written before keyed
 * chains, seq below the node's signed keyedFrom) = SHA-256(entry). Stateless and thread-safe.
 */
final class AuditHashes {

    /** SHA-256: the length of every entry hash. */
    static final int HASH_LENGTH = 32;

    private static final String ENTRY_TAG = "keyward-audit-entry-v1";
    private static final String KEYED_ENTRY_TAG = "keyward-audit-entry-v2";
    private static final String CHECKPOINT_TAG = "keyward-audit-checkpoint-v1";
    private static final String CHAINED_CHECKPOINT_TAG = "keyward-audit-checkpoint-v2";

    private AuditHashes() {
    }

    /** The previous hash of a chain's first entry: 32 zero bytes. */
    static byte[] zero() {
        return new byte[HASH_LENGTH];
    }

    /** The unkeyed hash of entries written before keyed chains: SHA-256 over the previous hash and the fields. */
    static byte[] entryHash(byte[] prevHash, String node, long seq, long timeMillis, String user, String operation,
                            String keyRef, String outcome, String remote) {
        return new Hasher(null).entryHash(prevHash, node, seq, timeMillis, user, operation, keyRef, outcome, remote);
    }

    /** The statement a checkpoint's Ed25519 signature covers. */
    static byte[] checkpointStatement(String node, long seq, byte[] hash, long timeMillis) {
        Encoder e = new Encoder();
        e.text(CHECKPOINT_TAG);
        e.text(node);
        e.number(seq);
        e.bytes(hash);
        e.number(timeMillis);
        return e.done();
    }

    /**
     * The statement a chained checkpoint's Ed25519 signature covers: besides the v1 fields, the first
     * seq hashed with the chain key and the seq and digest of the node's checkpoint before it (0 and
     * 32 zero bytes for the first).
     */
    static byte[] chainedCheckpointStatement(String node, long seq, byte[] hash, long timeMillis, long keyedFrom,
                                             long prevSeq, byte[] prevDigest) {
        Encoder e = new Encoder();
        e.text(CHAINED_CHECKPOINT_TAG);
        e.text(node);
        e.number(seq);
        e.bytes(hash);
        e.number(timeMillis);
        e.number(keyedFrom);
        e.number(prevSeq);
        e.bytes(prevDigest);
        return e.done();
    }

    /** SHA-256 of a checkpoint's statement and signature: what the next checkpoint links to. */
    static byte[] checkpointDigest(byte[] statement, byte[] signature) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(statement);
            d.update(signature);
            return d.digest();
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException("JDK lacks SHA-256", x);
        }
    }

    /**
     * Entry hashes for one thread, reusing its digest and buffer (the audit writer hashes every
     * entry). Not thread-safe.
     */
    static final class Hasher {
        private final MessageDigest sha256;
        private final AuditChainKey.Tagger tagger;
        private final Encoder encoder = new Encoder();

        /** Keyed under {@code chainKey}; unkeyed (the format before keyed chains) if null. */
        Hasher(AuditChainKey chainKey) {
            tagger = chainKey == null ? null : chainKey.tagger();
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException x) {
                throw new IllegalStateException("JDK lacks SHA-256", x);
            }
        }

        byte[] entryHash(byte[] prevHash, String node, long seq, long timeMillis, String user, String operation,
                         String keyRef, String outcome, String remote) {
            Encoder e = encoder;
            e.reset();
            e.text(tagger == null ? ENTRY_TAG : KEYED_ENTRY_TAG);
            e.bytes(prevHash);
            e.text(node);
            e.number(seq);
            e.number(timeMillis);
            e.text(user);
            e.text(operation);
            e.text(keyRef);
            e.text(outcome);
            e.text(remote);
            if (tagger != null) {
                return tagger.tag(e.buffer, 0, e.length);
            }
            sha256.update(e.buffer, 0, e.length);
            return sha256.digest();
        }
    }

    /** A growable big-endian byte buffer for the encodings above. */
    private static final class Encoder {
        private byte[] buffer = new byte[256];
        private int length;

        void reset() {
            length = 0;
        }

        void text(String s) {
            if (s == null) {
                number32(-1);
                return;
            }
            int n = s.length();
            int at = length;
            ensure(4 + n);
            length += 4;
            for (int i = 0; i < n; i++) {
                char ch = s.charAt(i);
                if (ch >= 0x80) { // not ASCII: start over with the full UTF-8 encoding
                    length = at;
                    bytes(s.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                buffer[length++] = (byte) ch;
            }
            put32(at, n);
        }

        void bytes(byte[] b) {
            if (b == null) {
                number32(-1);
                return;
            }
            number32(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buffer, length, b.length);
            length += b.length;
        }

        void number(long n) {
            number32((int) (n >>> 32));
            number32((int) n);
        }

        private void number32(int n) {
            ensure(4);
            put32(length, n);
            length += 4;
        }

        private void put32(int at, int n) {
            buffer[at] = (byte) (n >>> 24);
            buffer[at + 1] = (byte) (n >>> 16);
            buffer[at + 2] = (byte) (n >>> 8);
            buffer[at + 3] = (byte) n;
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }

        byte[] done() {
            return Arrays.copyOf(buffer, length);
        }
    }
}
