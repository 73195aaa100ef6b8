package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import keyward.crypto.AuditChainKey;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database administrator without {@code audit.key} attacks the stored audit log the way the
 * issue lists: edits an entry and recomputes every hash after it (without the chain key, or under
 * a key of their own), deletes checkpoints, cuts the tail, empties every audit table, deletes
 * rows of the listing index. Each is found, naming the node and the first missing or altered entry.
 */
class AuditAttackTest extends AuditFixture {

    private static final String NODE = "host:9998";
    private final AuditHashes.Hasher forged = new AuditHashes.Hasher(AuditChainKey.of(AuditKey.generate()));

    @BeforeEach
    void writeTwoChainsKeepingHeads() {
        HeadFile heads = heads();
        AuditLog log = startLog(store, NODE, heads);
        AuditLog other = startLog(store, "other", heads);
        // flushed at 100 and 200, so that batches end there and carry checkpoints at 100 and 200; 250 at close
        record(log, 100, "alice");
        assertTrue(log.flush(Duration.ofSeconds(10)));
        record(log, 100, "alice");
        assertTrue(log.flush(Duration.ofSeconds(10)));
        record(log, 50, "alice");
        record(other, 5, "bob");
        log.close();
        other.close();
    }

    private long position(long seq) {
        return entry(NODE, seq).position();
    }

    private void assertBroken(AuditVerifier.Result r, String message) {
        assertFalse(r.ok(), "verified although tampered with");
        assertEquals(message, r.message());
    }

    private static AuditRecord asMallory(AuditRecord r) {
        return r.seq() != 17 ? r : new AuditRecord(r.position(), r.node(), r.seq(), r.time(), "mallory", r.operation(),
                r.keyRef(), r.outcome(), r.remote(), r.prevHash(), r.hash());
    }

    private static byte[] unkeyed(byte[] prev, AuditRecord r) {
        return AuditHashes.entryHash(prev, r.node(), r.seq(), r.time().toEpochMilli(), r.user(), r.operation(), r.keyRef(),
                r.outcome(), r.remote());
    }

    private byte[] underForgedKey(byte[] prev, AuditRecord r) {
        return forged.entryHash(prev, r.node(), r.seq(), r.time().toEpochMilli(), r.user(), r.operation(), r.keyRef(),
                r.outcome(), r.remote());
    }

    @Test
    void untouchedLog_verifiesAgainstItsHeads_keptInAPrivateFile() throws Exception {
        AuditVerifier.Result r = verifyWithHeads();
        assertTrue(r.ok(), r.message());
        Map<String, Long> seqs = new TreeMap<>();
        heads().read().forEach((node, h) -> seqs.put(node, h.seq()));
        assertEquals(Map.of(NODE, 250L, "other", 5L), seqs);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(heads().path())));
    }

    @Test
    void eachStoredCheckpoint_isLoggedAsTheSignedHead_inOneInfoLine() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        keyward.log.Log.setOutput(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        keyward.log.Log.setLevel(keyward.log.Log.Level.INFO);
        try {
            AuditLog log = startLog(store, "logged", heads());
            record(log, 7, "erin");
            log.close();
        } finally {
            keyward.log.Log.setOutput(previous);
        }
        AuditCheckpoint cp = store.checkpoints("logged").get(0);
        String line = "INFO  audit head: node 'logged' seq 7 hash " + java.util.HexFormat.of().formatHex(cp.hash()) + " time "
                + cp.time().toEpochMilli() + " seal " + java.util.Base64.getEncoder().encodeToString(cp.signature()) + "\n";
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains(line), out);
        assertEquals(1, out.lines().filter(l -> l.contains("audit head:")).count(), out);
    }

    @Test
    void editedEntry_rechainedWithoutTheKey_isFoundAtThatEntry() throws Exception {
        AuditTamper.rechain(dbFile(), NODE, 17, AuditAttackTest::asMallory, AuditAttackTest::unkeyed);
        assertEquals("mallory", entry(NODE, 17).user());
        assertBroken(verifyWithHeads(), "node 'host:9998' entry seq 17 (position " + position(17)
                + "): hash does not match its contents");
    }

    @Test
    void editedEntry_rechainedUnderAForgedKey_withTheCheckpointsAfterItDeleted_isFoundAtThatEntry() throws Exception {
        AuditTamper.rechain(dbFile(), NODE, 17, AuditAttackTest::asMallory, this::underForgedKey);
        AuditTamper.deleteCheckpoints(dbFile(), NODE, 17, Long.MAX_VALUE);
        String expected = "node 'host:9998' entry seq 17 (position " + position(17) + "): hash does not match its contents";
        assertBroken(verifyWithHeads(), expected);
        assertBroken(verify(), expected); // the chain key alone finds it, head file or not
    }

    @Test
    void wholeChainRechainedWithoutTheKey_withEveryCheckpointDeleted_isNotTakenForAnOldUnkeyedLog() throws Exception {
        AuditTamper.rechain(dbFile(), NODE, 1, AuditAttackTest::asMallory, AuditAttackTest::unkeyed);
        AuditTamper.deleteCheckpoints(dbFile(), NODE, 0, Long.MAX_VALUE);
        assertBroken(verify(), "node 'host:9998' entry seq 1 (position " + position(1)
                + "): hash does not match its contents");
    }

    @Test
    void checkpointDeletedBetweenOthers_isNamed() throws Exception {
        assertEquals(1, AuditTamper.deleteCheckpoints(dbFile(), NODE, 100, 100));
        assertBroken(verify(), "node 'host:9998' checkpoint at seq 100 is missing (the signed checkpoint at seq 200"
                + " follows it)");
    }

    @Test
    void newestCheckpointDeleted_isFoundAgainstTheHeadFile() throws Exception {
        AuditTamper.deleteCheckpoints(dbFile(), NODE, 250, 250);
        assertBroken(verifyWithHeads(), "node 'host:9998' checkpoint at seq 250 is missing (the head file records it)");
    }

    @Test
    void truncatedTailWithItsCheckpoints_isFoundAgainstTheHeadFile_namingTheFirstMissingEntry() throws Exception {
        AuditTamper.truncate(dbFile(), NODE, 201);
        assertEquals(200, entries(NODE).size());
        assertBroken(verifyWithHeads(), "node 'host:9998' entry seq 201 is missing (the chain ends at seq 200 but the"
                + " head file records a signed checkpoint at seq 250)");
        // what the head file is for: the database alone cannot show that it once held more
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void everyAuditTableEmptied_isFoundAgainstTheHeadFile() throws Exception {
        AuditTamper.wipe(dbFile());
        assertEquals(0, store.auditNodes().size());
        assertBroken(verifyWithHeads(), "node 'host:9998' entry seq 1 is missing (the database holds no entry of this"
                + " node but the head file records a signed checkpoint at seq 250)");
    }

    @Test
    void aHeadFileEditedToClaimMore_isRefused() {
        AuditCheckpoint real = heads().read().get(NODE);
        heads().advance(java.util.List.of(new AuditCheckpoint(NODE, 300, real.hash(), real.signature(), real.time())));
        assertBroken(verifyWithHeads(), "the head file's head of node 'host:9998' (seq 300) has a bad signature");
    }

    @Test
    void restartAfterTheTailWasCut_keepsTheRecordedHead_soTheLossStaysVisible() throws Exception {
        AuditTamper.truncate(dbFile(), NODE, 201);
        AuditLog again = startLog(openStore(5000), NODE, heads());
        record(again, 100, "alice"); // seq 201..300 again, past the recorded head
        again.close();
        assertEquals(250, heads().read().get(NODE).seq());
        assertBroken(verifyWithHeads(), "node 'host:9998' entry seq 250 (position " + position(250)
                + "): hash differs from the signed head in the head file");
    }

    @Test
    void deletedIndexRows_hideEntriesFromListingsByUser_andAreNamed() throws Exception {
        AuditLog big = startLog(store, "big", heads());
        for (int i = 0; i < 16_500; i++) { // past the 16,384 entries after which a node's entries get ranges
            big.record(i % 2 == 0 ? "carol" : "dave", "encrypt", "key-" + (i % 7), "ok", null);
        }
        big.close();
        assertTrue(verifyWithHeads().ok(), verifyWithHeads().message());
        long firstOfDave = entry("big", 2).position();
        assertEquals(firstOfDave, store.listAudit(new AuditQuery(0, 1, null, null, "dave")).get(0).position());

        assertTrue(AuditTamper.deleteRefs(dbFile(), "user", "dave") > 0);
        java.util.List<AuditRecord> listed = store.listAudit(new AuditQuery(0, 1, null, null, "dave"));
        assertTrue(listed.isEmpty() || listed.get(0).position() > firstOfDave,
                "the attack works: the listing by user skips dave's first entries");
        assertBroken(verifyWithHeads(), "node 'big' entry seq 2 (position " + firstOfDave + "): the listing index"
                + " (kw_audit_refs) does not list it under user 'dave', so listings by that user miss it");
    }

    @Test
    void deletedMarkOfANode_isFoundAtItsFirstEntryWithoutRanges() throws Exception {
        AuditLog big = startLog(store, "big", heads());
        record(big, 16_500, "carol");
        assertTrue(big.flush(LONG));
        record(big, 10, "carol"); // these wait after the node's mark for the next ranges
        big.close();
        long mark;
        try (java.sql.PreparedStatement ps = jdbc().prepareStatement(
                "SELECT last_position FROM kw_audit_refs WHERE kind = 'node' AND ref = 'big'");
             java.sql.ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            mark = rs.getLong(1);
        }
        assertTrue(mark >= 16_384 && mark < 16_510, "mark at " + mark);
        assertTrue(verifyWithHeads().ok(), verifyWithHeads().message());

        assertEquals(1, AuditTamper.deleteMark(dbFile(), "big"));
        AuditRecord first = entry("big", mark + 1);
        assertBroken(verifyWithHeads(), "node 'big' entry seq " + (mark + 1) + " (position " + first.position()
                + "): the listing index (kw_audit_refs) does not list it under key '" + first.keyRef() + "', so"
                + " listings by that key miss it");
    }
}
