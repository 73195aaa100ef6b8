package keyward.store;

import java.time.Instant;
import java.util.Arrays;

/**
 * One audit entry. Entries of one node form a hash chain: {@code hash} = a keyed hash (older
 * entries: SHA-256) over {@code prevHash} and the entry's fields, computed by the audit package
 * with a key the store never sees, and stored as given.
 *
 * @param position store-assigned global position (ascending in insertion order); 0 when appending
 * @param seq      per-node sequence, 1, 2, 3, ... without gaps
 * @param keyRef   key id or name the request named, or null
 */
public record AuditRecord(long position, String node, long seq, Instant time, String user, String operation,
                          String keyRef, String outcome, String remote, byte[] prevHash, byte[] hash) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRecord a && a.node.equals(node) && a.seq == seq && a.time.equals(time)
                && java.util.Objects.equals(a.user, user) && a.operation.equals(operation)
                && java.util.Objects.equals(a.keyRef, keyRef) && a.outcome.equals(outcome)
                && java.util.Objects.equals(a.remote, remote) && Arrays.equals(a.prevHash, prevHash)
                && Arrays.equals(a.hash, hash);
    }

    @Override
    public int hashCode() {
        return node.hashCode() * 31 + Long.hashCode(seq);
    }
}
