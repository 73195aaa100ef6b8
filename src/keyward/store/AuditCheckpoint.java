package keyward.store;

import java.time.Instant;

/**
 * An Ed25519-signed statement that node's chain reached {@code seq} with {@code hash}. The
 * {@code signature} bytes (at most 256) are opaque to the store: the audit package puts the
 * signature there together with what else it signed (the link to the checkpoint before).
 */
public record AuditCheckpoint(String node, long seq, byte[] hash, byte[] signature, Instant time) {
}
