package keyward.store;

import java.time.Instant;

/** An Ed25519-signed statement that node's chain reached {@code seq} with {@code hash}. */
public record AuditCheckpoint(String node, long seq, byte[] hash, byte[] signature, Instant time) {
}
