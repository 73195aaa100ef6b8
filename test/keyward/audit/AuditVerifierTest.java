package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import keyward.crypto.AuditKey;
import keyward.store.AuditRecord;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attacker edits the database directly; the verifier names the first broken entry. */
class AuditVerifierTest extends AuditFixture {

    private static final String NODE = "host:9998";

    @BeforeEach
    void writeTwoChains() {
        AuditLog log = startLog(store, NODE);
        AuditLog other = startLog(store, "other");
        // flushed at 100 and 200, so that batches end there and carry checkpoints at 100 and 200
        record(log, 100, "alice");
        assertTrue(log.flush(java.time.Duration.ofSeconds(10)));
        record(log, 100, "alice");
        assertTrue(log.flush(java.time.Duration.ofSeconds(10)));
        record(log, 50, "alice");
        record(other, 5, "bob");
        log.close();
        other.close();
    }

    private long position(long seq) {
        return entry(NODE, seq).position();
    }

    private void assertBroken(String message) {
        AuditVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(message, r.message());
    }

    @Test
    void untouchedLog_verifies() {
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
        assertEquals("audit log verified: 255 entries on 2 nodes", r.message());
        assertEquals(255, r.entriesChecked());
    }

    @Test
    void editingAnyFieldOfOneEntry_isFound_andRestoringItHeals() throws Exception {
        long p = position(17);
        String at = "node 'host:9998' entry seq 17 (position " + p + "): ";
        Object[][] edits = {
            {"user", "mallory"}, {"operation", "decrypt"}, {"key", "key-99"}, {"key", null},
            {"outcome", "denied"}, {"remote", "10.6.6.6"}, {"remote", null}, {"time", 0L}, {"hash", new byte[32]},
        };
        for (Object[] edit : edits) {
            AuditRecord original = entry(NODE, 17);
            rewrite(p, r -> with(r, (String) edit[0], edit[1]));
            assertBroken(at + "hash does not match its contents");
            rewrite(p, r -> original);
            assertTrue(verify().ok(), "after restoring " + edit[0]);
        }
        rewrite(p, r -> with(r, "prev", new byte[32]));
        assertBroken(at + "previous hash does not match entry seq 16");
    }

    @Test
    void deletedEntry_isFoundAsAGap() throws Exception {
        rewrite(position(17), r -> null);
        assertBroken("node 'host:9998' entry seq 17 is missing (gap after 16; next is seq 18 at position "
                + position(18) + ")");
    }

    @Test
    void deletedFirstEntry_isFound() throws Exception {
        rewrite(position(1), r -> null);
        assertBroken("node 'host:9998' entry seq 1 is missing (the chain starts with seq 2 at position "
                + position(2) + ")");
    }

    @Test
    void twoEntriesSwappedWhole_areFoundOutOfOrder() throws Exception {
        long p17 = position(17);
        AuditTamper.swap(dbFile(), p17, position(18));
        assertBroken("node 'host:9998' entry seq 17 is missing (gap after 16; next is seq 18 at position " + p17 + ")");
    }

    @Test
    void twoEntriesWithTheirContentsSwapped_areFound() throws Exception {
        long p17 = position(17);
        AuditRecord a = entry(NODE, 17);
        AuditRecord b = entry(NODE, 18);
        for (String field : new String[] {"time", "user", "key", "remote"}) {
            rewrite(p17, r -> with(r, field, value(b, field)));
            rewrite(position(18), r -> with(r, field, value(a, field)));
        }
        assertBroken("node 'host:9998' entry seq 17 (position " + p17 + "): hash does not match its contents");
    }

    @Test
    void chainRewrittenWithFreshHashesUnderTheRealChainKey_isCaughtByTheNextSignedCheckpoint() throws Exception {
        // beyond the threat model (the chain key needs audit.key): the signed checkpoints still hold
        AuditHashes.Hasher insider = new AuditHashes.Hasher(keyward.crypto.AuditChainKey.of(key));
        byte[] prev = entry(NODE, 149).hash();
        for (AuditRecord r : entries(NODE).subList(149, 250)) {
            String user = r.seq() == 150 ? "mallory" : r.user();
            byte[] hash = insider.entryHash(prev, NODE, r.seq(), r.time().toEpochMilli(), user, r.operation(),
                    r.keyRef(), r.outcome(), r.remote());
            byte[] before = prev;
            rewrite(r.position(), x -> with(with(with(x, "user", user), "prev", before), "hash", hash));
            prev = hash;
        }
        assertBroken("node 'host:9998' entry seq 200 (position " + position(200)
                + "): hash differs from the signed checkpoint at seq 200");
    }

    @Test
    void deletedLastEntry_isCaughtByTheCloseCheckpoint() throws Exception {
        rewrite(position(250), r -> null);
        assertBroken("node 'host:9998' entry seq 250 is missing (the chain ends at seq 249 but a signed checkpoint"
                + " names seq 250)");
    }

    @Test
    void deletedCheckpointedEntry_isFound() throws Exception {
        rewrite(position(200), r -> null);
        assertBroken("node 'host:9998' entry seq 200 is missing (gap after 199; next is seq 201 at position "
                + position(201) + ")");
    }

    @Test
    void forgedCheckpoints_areFound() throws Exception {
        sql("UPDATE kw_audit_checkpoints SET hash = ? WHERE node = ? AND seq = 200", entry(NODE, 199).hash(), NODE);
        assertBroken("node 'host:9998' checkpoint at seq 200 has a bad signature");
        sql("DELETE FROM kw_audit_checkpoints WHERE node = ? AND seq = 200", NODE);
        assertBroken("node 'host:9998' checkpoint at seq 200 is missing (the signed checkpoint at seq 250 follows it)");
        byte[] hash = entry(NODE, 150).hash();
        long time = System.currentTimeMillis();
        byte[] foreign = AuditKey.generate().sign(AuditHashes.checkpointStatement(NODE, 150, hash, time));
        sql("INSERT INTO kw_audit_checkpoints (node, seq, hash, signature, time_ms) VALUES (?, 150, ?, ?, ?)",
                NODE, hash, foreign, time);
        assertBroken("node 'host:9998' checkpoint at seq 150 has a bad signature");
    }

    @Test
    void tamperingInTheSecondNode_namesThatNode() throws Exception {
        rewrite(entry("other", 3).position(), r -> with(r, "outcome", "ok!"));
        assertBroken("node 'other' entry seq 3 (position " + entry("other", 3).position()
                + "): hash does not match its contents");
    }

    @Test
    void progress_isReportedEvery10000Entries() {
        AuditLog big = startLog(store, "big");
        record(big, 10_000, "carol");
        big.close();
        List<String> lines = new ArrayList<>();
        AuditVerifier.Result r = AuditVerifier.verify(store, key, lines::add);
        assertTrue(r.ok(), r.message());
        assertEquals(List.of("checked 10000 audit entries (node 'big')"), lines);
    }

    private void rewrite(long position, java.util.function.UnaryOperator<AuditRecord> change) throws Exception {
        AuditTamper.rewrite(dbFile(), position, change);
    }

    /** {@code r} with one field changed, named as in the API. */
    private static AuditRecord with(AuditRecord r, String field, Object v) {
        return new AuditRecord(r.position(), r.node(), r.seq(),
                field.equals("time") ? Instant.ofEpochMilli((Long) v) : r.time(),
                field.equals("user") ? (String) v : r.user(),
                field.equals("operation") ? (String) v : r.operation(),
                field.equals("key") ? (String) v : r.keyRef(),
                field.equals("outcome") ? (String) v : r.outcome(),
                field.equals("remote") ? (String) v : r.remote(),
                field.equals("prev") ? (byte[]) v : r.prevHash(),
                field.equals("hash") ? (byte[]) v : r.hash());
    }

    private static Object value(AuditRecord r, String field) {
        return switch (field) {
            case "time" -> r.time().toEpochMilli();
            case "user" -> r.user();
            case "key" -> r.keyRef();
            case "remote" -> r.remote();
            default -> throw new IllegalArgumentException(field);
        };
    }
}
