package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import keyward.store.Store;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node A's database (the fixture's) reports its audit heads; node B, with its own empty
 * database and head file, records them and notices when A's database lost entries after one.
 */
class PartnerHeadsTest extends AuditFixture {
    private static final String VIA = "repl://a.example:8444";

    private HeadFile bHeads;
    private PartnerHeads b;
    private Store bStore;

    @BeforeEach
    void writeTheLogOfA() {
        AuditLog a = startLog(store, "a", heads());
        for (int n : new int[] {100, 100, 50}) { // checkpoints at 100 and 200, and 250 at close
            record(a, n, "alice");
            assertTrue(a.flush(LONG));
        }
        a.close();
        assertEquals(List.of(100L, 200L, 250L), store.checkpoints("a").stream().map(AuditCheckpoint::seq).toList());
        bHeads = new HeadFile(dir.resolve("b-" + HeadFile.NAME));
        b = new PartnerHeads(bHeads, key);
        bStore = openStore(dir.resolve("b.db"));
    }

    private static Store openStore(java.nio.file.Path file) {
        Store s = keyward.store.sql.SqlStore.open(keyward.store.sql.SqlOptions.sqlite(file));
        s.open();
        return s;
    }

    @AfterEach
    void closeB() {
        bStore.close();
    }

    private AuditVerifier.Result verifyOnB() {
        return AuditVerifier.verify(bStore, key, bHeads.read(), bHeads.partners(), null);
    }

    @Test
    void report_namesTheNewestCheckpoint_theTail_andTheCheckpointAsked() {
        PartnerHeads.Report r = PartnerHeads.report(store, Map.of()).get(0);
        assertEquals(250, r.newest().seq());
        assertEquals(250, r.tail());
        assertNull(r.asked());
        assertEquals(200, PartnerHeads.report(store, Map.of("a", 200L)).get(0).asked().seq());
        assertNull(PartnerHeads.report(store, Map.of("a", 150L)).get(0).asked(), "no checkpoint at 150");
    }

    @Test
    void headsReported_areRecordedAsPartners_andMoveForward_andVerify() {
        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        assertEquals(Map.of("a", 250L), b.recorded());
        assertEquals(VIA, bHeads.partners().get("a").via());
        assertEquals(Map.of(), bHeads.read(), "A's node is not one of B's database");

        AuditLog a = startLog(store, "a", heads());
        record(a, 50, "alice");
        a.close();
        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        assertEquals(Map.of("a", 300L), b.recorded());
        AuditVerifier.Result r = verifyOnB();
        assertTrue(r.ok(), r.message());
        assertTrue(r.message().endsWith("and the heads of 1 replication partner node"), r.message());
    }

    @Test
    void truncatedTailOfThePartner_isRecordedAsLost_andVerifyAuditOnBNamesTheFirstMissingEntry() throws Exception {
        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        AuditTamper.truncate(dbFile(), "a", 201);

        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        String lost = "node 'a' (replication partner " + VIA + ", its own database) entry seq 201 is missing (its chain"
                + " ends at seq 200 but this node recorded its signed checkpoint at seq 250)";
        assertEquals(lost, bHeads.partners().get("a").lost());
        assertEquals(250, bHeads.partners().get("a").head().seq(), "the head stays as evidence");
        AuditVerifier.Result r = verifyOnB();
        assertFalse(r.ok());
        assertEquals(lost, r.message());

        AuditLog a = startLog(store, "a", heads()); // A writes on past the seq B saw
        record(a, 120, "alice");
        a.close();
        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        assertEquals(lost, bHeads.partners().get("a").lost(), "the loss stays recorded");
        assertFalse(verifyOnB().ok());
    }

    @Test
    void partnerLogRewrittenPastTheRecordedHead_isFoundByTheCheckpointAtThatSeq() throws Exception {
        b.received(VIA, PartnerHeads.report(store, Map.of()));
        AuditTamper.deleteCheckpoints(dbFile(), "a", 250, 250);
        AuditLog a = startLog(store, "a", heads());
        record(a, 10, "alice");
        a.close();

        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        assertEquals("node 'a' (replication partner " + VIA + ", its own database) checkpoint at seq 250 is missing"
                + " (this node recorded its signed checkpoint at seq 250; its chain ends at seq 260)", verifyOnB().message());
    }

    @Test
    void reportsNotSignedWithTheAuditKey_orOfBsOwnNodes_areIgnored() {
        AuditCheckpoint real = PartnerHeads.report(store, Map.of()).get(0).newest();
        AuditCheckpoint forged = Seal.sign(AuditKey.generate(), "a", 9999, real.hash(), real.time(), 1, Seal.FIRST);
        b.received(VIA, List.of(new PartnerHeads.Report("a", forged, 9999, null)));
        assertEquals(Map.of(), b.recorded());

        bHeads.advance(List.of(real)); // as if "a" wrote to B's database too
        b.received(VIA, List.of(new PartnerHeads.Report("a", real, 250, null)));
        assertEquals(Map.of(), b.recorded());
    }

    @Test
    void everyAuditTableOfThePartnerEmptied_isAllItsEntriesMissing() throws Exception {
        b.received(VIA, PartnerHeads.report(store, Map.of()));
        AuditTamper.wipe(dbFile());
        assertEquals(List.of(), PartnerHeads.report(store, b.recorded()), "the partner's database knows no node now");

        b.received(VIA, PartnerHeads.report(store, b.recorded()));
        assertEquals("node 'a' (replication partner " + VIA + ", its own database) entry seq 1 is missing (its chain"
                + " ends at seq 0 but this node recorded its signed checkpoint at seq 250)", verifyOnB().message());
        b.received("repl://c.example:8444", List.of());
        assertEquals(VIA, bHeads.partners().get("a").via(), "another partner's report says nothing of a's node");
    }

    @Test
    void aPartnerHeadEditedInTheFile_isABadSignature() {
        b.received(VIA, PartnerHeads.report(store, Map.of()));
        HeadFile.PartnerHead p = bHeads.partners().get("a");
        AuditCheckpoint h = p.head();
        bHeads.putPartner(new HeadFile.PartnerHead(new AuditCheckpoint("a", h.seq() + 100, h.hash(), h.signature(),
                h.time()), VIA, null));
        assertEquals("the head file's head of node 'a' (replication partner " + VIA + ", seq 350) has a bad signature",
                verifyOnB().message());
    }
}
