package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import org.junit.jupiter.api.Test;

/** A chained checkpoint's seal: signed with everything it carries, so no byte of it can change. */
class SealTest {

    private final AuditKey key = AuditKey.generate();
    private final byte[] hash = new byte[32];
    private final Instant time = Instant.ofEpochMilli(1_764_680_000_000L);

    @Test
    void sealedCheckpoint_opensWithItsLink_andChangingAnyByteOfTheSeal_breaksIt() {
        hash[0] = 7;
        Seal.Link prev = new Seal.Link(100, new byte[32]);
        AuditCheckpoint cp = Seal.sign(key, "n1", 200, hash, time, 41, prev);
        Seal seal = Seal.open(key.publicKey(), "n1", cp);
        assertNotNull(seal);
        assertEquals(41, seal.keyedFrom());
        assertEquals(100, seal.prevSeq());
        assertArrayEquals(prev.digest(), seal.prevDigest());
        assertEquals(113, cp.signature().length);
        for (int i = 0; i < cp.signature().length; i++) {
            byte[] changed = cp.signature().clone();
            changed[i] ^= 1;
            assertNull(Seal.open(key.publicKey(), "n1", new AuditCheckpoint("n1", 200, hash, changed, time)), "byte " + i);
        }
        assertNull(Seal.open(key.publicKey(), "n2", cp), "another node");
        assertNull(Seal.open(key.publicKey(), "n1", new AuditCheckpoint("n1", 201, hash, cp.signature(), time)));
        assertNull(Seal.open(key.publicKey(), "n1", new AuditCheckpoint("n1", 200, hash, cp.signature(), time.plusMillis(1))));
        assertNull(Seal.open(AuditKey.generate().publicKey(), "n1", cp), "another audit key");
    }

    @Test
    void unchainedCheckpointOfAnOlderBuild_opensAsSuch() {
        byte[] signature = key.sign(AuditHashes.checkpointStatement("n1", 40, hash, time.toEpochMilli()));
        Seal seal = Seal.open(key.publicKey(), "n1", new AuditCheckpoint("n1", 40, hash, signature, time));
        assertNotNull(seal);
        assertFalse(seal.chained());
    }

    @Test
    void theLinkToACheckpoint_coversItsSignature() {
        AuditCheckpoint a = Seal.sign(key, "n1", 200, hash, time, 1, Seal.FIRST);
        AuditCheckpoint b = Seal.sign(key, "n1", 200, hash, time.plusMillis(1), 1, Seal.FIRST);
        assertEquals(200, Seal.linkTo(a).seq());
        assertFalse(java.util.Arrays.equals(Seal.linkTo(a).digest(), Seal.linkTo(b).digest()));
    }
}
