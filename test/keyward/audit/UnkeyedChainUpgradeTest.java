package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A log written by a build before keyed chains (SHA-256 entries, bare-signature checkpoints)
 * still verifies, and this build continues it keyed, stating in its first chained checkpoint
 * where the unkeyed entries end.
 */
class UnkeyedChainUpgradeTest extends AuditFixture {

    private static final String NODE = "old";

    /** 40 entries as the old build wrote them, with its checkpoint at 40. */
    @BeforeEach
    void writeAnOldUnkeyedLog() {
        List<AuditRecord> entries = new ArrayList<>();
        byte[] prev = AuditHashes.zero();
        for (long seq = 1; seq <= 40; seq++) {
            Instant t = Instant.ofEpochMilli(1_700_000_000_000L + seq);
            byte[] hash = AuditHashes.entryHash(prev, NODE, seq, t.toEpochMilli(), "alice", "encrypt", "k1", "ok", null);
            entries.add(new AuditRecord(0, NODE, seq, t, "alice", "encrypt", "k1", "ok", null, prev, hash));
            prev = hash;
        }
        Instant at = Instant.ofEpochMilli(1_700_000_001_000L);
        byte[] signature = key.sign(AuditHashes.checkpointStatement(NODE, 40, prev, at.toEpochMilli()));
        store.appendAudit(entries, new AuditCheckpoint(NODE, 40, prev, signature, at));
    }

    @Test
    void oldLog_verifies_andIsContinuedKeyed_fromTheSeqItsFirstChainedCheckpointStates() {
        assertTrue(verify().ok(), verify().message());
        AuditLog log = startLog(store, NODE);
        record(log, 10, "bob");
        log.close();
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
        assertEquals(50, r.entriesChecked());

        List<AuditCheckpoint> cps = store.checkpoints(NODE);
        List<Long> seqs = cps.stream().map(AuditCheckpoint::seq).toList();
        // the old build's last one, then the first keyed batch's, and the tail's at stop; on a slow
        // machine the writer may take entry 41 alone, and that batch carries the first keyed checkpoint
        assertTrue(seqs.equals(List.of(40L, 50L)) || seqs.equals(List.of(40L, 41L, 50L)), seqs.toString());
        Seal seal = Seal.open(key.publicKey(), NODE, cps.get(1));
        assertNotNull(seal);
        assertEquals(41, seal.keyedFrom());
        assertEquals(40, seal.prevSeq(), "chained to the old build's last checkpoint");
        AuditRecord e41 = entry(NODE, 41);
        assertFalse(java.util.Arrays.equals(e41.hash(), AuditHashes.entryHash(e41.prevHash(), NODE, 41,
                e41.time().toEpochMilli(), e41.user(), e41.operation(), e41.keyRef(), e41.outcome(), e41.remote())),
                "entries after the old ones are keyed");
    }

    @Test
    void keyedEntriesRechainedTheOldWay_areFound() throws Exception {
        AuditLog log = startLog(store, NODE);
        record(log, 10, "bob");
        log.close();
        AuditTamper.rechain(dbFile(), NODE, 45, r -> r, (prev, r) -> AuditHashes.entryHash(prev, NODE, r.seq(),
                r.time().toEpochMilli(), r.user(), r.operation(), r.keyRef(), r.outcome(), r.remote()));
        AuditTamper.deleteCheckpoints(dbFile(), NODE, 41, Long.MAX_VALUE);
        AuditVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("node 'old' entry seq 45 (position " + entry(NODE, 45).position()
                + "): hash does not match its contents", r.message());
    }
}
