package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import keyward.crypto.AuditKey;
import keyward.store.AuditRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attacker edits the database directly; the verifier names the first broken entry. */
class AuditVerifierTest extends AuditFixture {

    private static final String NODE = "host:9998";
    private static final String[] COLUMNS = {"node", "seq", "time_ms", "user_name", "operation", "key_ref", "outcome",
        "remote", "prev_hash", "hash"};

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
            {"user_name", "mallory"}, {"operation", "decrypt"}, {"key_ref", "key-99"}, {"key_ref", null},
            {"outcome", "denied"}, {"remote", "10.6.6.6"}, {"remote", null}, {"time_ms", 0L}, {"hash", new byte[32]},
        };
        for (Object[] edit : edits) {
            Object original = column(p, (String) edit[0]);
            sql("UPDATE kw_audit SET " + edit[0] + " = ? WHERE position = ?", edit[1], p);
            assertBroken(at + "hash does not match its contents");
            sql("UPDATE kw_audit SET " + edit[0] + " = ? WHERE position = ?", original, p);
            assertTrue(verify().ok(), "after restoring " + edit[0]);
        }
        sql("UPDATE kw_audit SET prev_hash = ? WHERE position = ?", new byte[32], p);
        assertBroken(at + "previous hash does not match entry seq 16");
    }

    @Test
    void deletedEntry_isFoundAsAGap() throws Exception {
        sql("DELETE FROM kw_audit WHERE node = ? AND seq = 17", NODE);
        assertBroken("node 'host:9998' entry seq 17 is missing (gap after 16; next is seq 18 at position "
                + position(18) + ")");
    }

    @Test
    void deletedFirstEntry_isFound() throws Exception {
        sql("DELETE FROM kw_audit WHERE node = ? AND seq = 1", NODE);
        assertBroken("node 'host:9998' entry seq 1 is missing (the chain starts with seq 2 at position "
                + position(2) + ")");
    }

    @Test
    void twoRowsSwappedWhole_areFoundOutOfOrder() throws Exception {
        long p17 = position(17);
        long p18 = position(18);
        swap(p17, p18, COLUMNS);
        assertBroken("node 'host:9998' entry seq 17 is missing (gap after 16; next is seq 18 at position " + p17 + ")");
    }

    @Test
    void twoRowsWithTheirContentsSwapped_areFound() throws Exception {
        long p17 = position(17);
        swap(p17, position(18), new String[] {"time_ms", "user_name", "key_ref", "remote"});
        assertBroken("node 'host:9998' entry seq 17 (position " + p17 + "): hash does not match its contents");
    }

    @Test
    void chainRewrittenWithFreshHashes_isCaughtByTheNextSignedCheckpoint() throws Exception {
        byte[] prev = entry(NODE, 149).hash();
        for (AuditRecord r : entries(NODE).subList(149, 250)) {
            String user = r.seq() == 150 ? "mallory" : r.user();
            byte[] hash = AuditHashes.entryHash(prev, NODE, r.seq(), r.time().toEpochMilli(), user, r.operation(),
                    r.keyRef(), r.outcome(), r.remote());
            sql("UPDATE kw_audit SET user_name = ?, prev_hash = ?, hash = ? WHERE position = ?", user, prev, hash,
                    r.position());
            prev = hash;
        }
        assertBroken("node 'host:9998' entry seq 200 (position " + position(200)
                + "): hash differs from the signed checkpoint at seq 200");
    }

    @Test
    void deletedLastEntry_isCaughtByTheCloseCheckpoint() throws Exception {
        sql("DELETE FROM kw_audit WHERE node = ? AND seq = 250", NODE);
        assertBroken("node 'host:9998' entry seq 250 is missing (the chain ends at seq 249 but a signed checkpoint"
                + " names seq 250)");
    }

    @Test
    void deletedCheckpointedEntry_isFound() throws Exception {
        sql("DELETE FROM kw_audit WHERE node = ? AND seq = 200", NODE);
        assertBroken("node 'host:9998' entry seq 200 is missing (gap after 199; next is seq 201 at position "
                + position(201) + ")");
    }

    @Test
    void forgedCheckpoints_areFound() throws Exception {
        sql("UPDATE kw_audit_checkpoints SET hash = ? WHERE node = ? AND seq = 200", entry(NODE, 199).hash(), NODE);
        assertBroken("node 'host:9998' checkpoint at seq 200 has a bad signature");
        sql("DELETE FROM kw_audit_checkpoints WHERE node = ? AND seq = 200", NODE);
        assertTrue(verify().ok(), verify().message());
        byte[] hash = entry(NODE, 150).hash();
        long time = System.currentTimeMillis();
        byte[] foreign = AuditKey.generate().sign(AuditHashes.checkpointStatement(NODE, 150, hash, time));
        sql("INSERT INTO kw_audit_checkpoints (node, seq, hash, signature, time_ms) VALUES (?, 150, ?, ?, ?)",
                NODE, hash, foreign, time);
        assertBroken("node 'host:9998' checkpoint at seq 150 has a bad signature");
    }

    @Test
    void tamperingInTheSecondNode_namesThatNode() throws Exception {
        sql("UPDATE kw_audit SET outcome = 'ok!' WHERE node = 'other' AND seq = 3");
        assertBroken("node 'other' entry seq 3 (position " + entry("other", 3).position()
                + "): hash does not match its contents");
    }

    @Test
    void progress_isReportedEvery10000Entries() {
        AuditLog big = startLog(store, "big");
        record(big, 10_000, "carol");
        big.close();
        List<String> lines = new ArrayList<>();
        AuditVerifier.Result r = AuditVerifier.verify(store, key.publicKey(), lines::add);
        assertTrue(r.ok(), r.message());
        assertEquals(List.of("checked 10000 audit entries (node 'big')"), lines);
    }

    private Object column(long position, String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile().toAbsolutePath());
             PreparedStatement ps = c.prepareStatement("SELECT " + name + " FROM kw_audit WHERE position = ?")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }

    /** Swaps the given columns of two rows, in one transaction; seq is parked first as (node, seq) is unique. */
    private void swap(long a, long b, String[] columns) throws Exception {
        Object[] va = new Object[columns.length];
        Object[] vb = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            va[i] = column(a, columns[i]);
            vb[i] = column(b, columns[i]);
        }
        StringBuilder set = new StringBuilder();
        for (String col : columns) {
            set.append(set.length() == 0 ? "" : ", ").append(col).append(" = ?");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile().toAbsolutePath())) {
            c.setAutoCommit(false);
            if (List.of(columns).contains("seq")) {
                try (PreparedStatement park = c.prepareStatement("UPDATE kw_audit SET seq = -seq WHERE position = ?")) {
                    park.setLong(1, a);
                    park.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE kw_audit SET " + set + " WHERE position = ?")) {
                for (Object[] row : new Object[][] {{b, va}, {a, vb}}) {
                    Object[] values = (Object[]) row[1];
                    for (int i = 0; i < values.length; i++) {
                        ps.setObject(i + 1, values[i]);
                    }
                    ps.setLong(values.length + 1, (Long) row[0]);
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }
}
