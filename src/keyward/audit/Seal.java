package keyward.audit;

import java.nio.ByteBuffer;
import java.time.Instant;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;

/**
 * What a checkpoint's {@code signature} bytes hold: the store keeps them opaque, this class gives
 * them their meaning. Checkpoints signed before chained checkpoints hold the bare signature;
 * chained ones also carry the link to the node's checkpoint before and the first keyed seq, all
 * covered by the signature ({@link AuditHashes#chainedCheckpointStatement}):
 *
 * <pre>
 *   v1 = signature (64)
 *   v2 = 0x02 | u64 keyedFrom | u64 prevSeq | prevDigest (32) | signature (64)      113 bytes
 * </pre>
 * prevDigest = {@link AuditHashes#checkpointDigest} of the checkpoint at prevSeq; prevSeq 0 and 32
 * zero bytes for a node's first. Entries at seq keyedFrom and after are hashed with the chain key.
 *
 * @param keyedFrom 0 for a v1 checkpoint (it says nothing about keying)
 * @param prevSeq   -1 for a v1 checkpoint (not chained)
 */
record Seal(long keyedFrom, long prevSeq, byte[] prevDigest, byte[] signature) {

    private static final int SIGNATURE = 64;
    private static final int DIGEST = 32;
    private static final byte V2 = 2;
    private static final int V2_LENGTH = 1 + 8 + 8 + DIGEST + SIGNATURE;

    /** The link a node's first chained checkpoint carries. */
    static final Link FIRST = new Link(0, new byte[DIGEST]);

    /** Where a chained checkpoint points back to. */
    record Link(long seq, byte[] digest) {
    }

    boolean chained() {
        return prevDigest != null;
    }

    /** A checkpoint of {@code node} signed with {@code key}, chained after {@code prev}. */
    static AuditCheckpoint sign(AuditKey key, String node, long seq, byte[] hash, Instant time, long keyedFrom, Link prev) {
        byte[] statement = AuditHashes.chainedCheckpointStatement(node, seq, hash, time.toEpochMilli(), keyedFrom,
                prev.seq(), prev.digest());
        byte[] signature = key.sign(statement);
        ByteBuffer b = ByteBuffer.allocate(V2_LENGTH);
        b.put(V2).putLong(keyedFrom).putLong(prev.seq()).put(prev.digest()).put(signature);
        return new AuditCheckpoint(node, seq, hash.clone(), b.array(), time);
    }

    /** The seal of {@code cp} if it is well formed, for {@code node}, and signed by {@code publicKey}; else null. */
    static Seal open(byte[] publicKey, String node, AuditCheckpoint cp) {
        Seal s = parse(cp);
        if (s == null || cp.hash() == null || cp.time() == null || !node.equals(cp.node())
                || !AuditKey.verify(publicKey, s.statement(cp), s.signature())) {
            return null;
        }
        return s;
    }

    /** The link to {@code cp}, for the checkpoint after it; null if its seal is malformed. */
    static Link linkTo(AuditCheckpoint cp) {
        Seal s = parse(cp);
        return s == null || cp.hash() == null || cp.time() == null ? null
                : new Link(cp.seq(), AuditHashes.checkpointDigest(s.statement(cp), s.signature()));
    }

    private byte[] statement(AuditCheckpoint cp) {
        long ms = cp.time().toEpochMilli();
        return chained() ? AuditHashes.chainedCheckpointStatement(cp.node(), cp.seq(), cp.hash(), ms, keyedFrom, prevSeq,
                prevDigest) : AuditHashes.checkpointStatement(cp.node(), cp.seq(), cp.hash(), ms);
    }

    private static Seal parse(AuditCheckpoint cp) {
        byte[] b = cp.signature();
        if (b == null) {
            return null;
        }
        if (b.length == SIGNATURE) {
            return new Seal(0, -1, null, b);
        }
        if (b.length != V2_LENGTH || b[0] != V2) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(b, 1, b.length - 1);
        long keyedFrom = in.getLong();
        long prevSeq = in.getLong();
        byte[] digest = new byte[DIGEST];
        in.get(digest);
        byte[] signature = new byte[SIGNATURE];
        in.get(signature);
        return keyedFrom < 1 || prevSeq < 0 ? null : new Seal(keyedFrom, prevSeq, digest, signature);
    }
}
