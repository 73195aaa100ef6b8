package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one database, each with its own data dir: each records the other's newest
 * signed checkpoint in its head file, so either one notices the other's log cut short.
 */
class SharedDatabaseHeadsTest extends AuditFixture {

    @Test
    void eachInstance_recordsTheOthersHead_andFindsItsTailCut() throws Exception {
        HeadFile headsOfA = new HeadFile(dir.resolve("a-" + HeadFile.NAME));
        HeadFile headsOfB = new HeadFile(dir.resolve("b-" + HeadFile.NAME));
        AuditLog a = startLog(store, "a", headsOfA);
        record(a, 30, "alice");
        a.close();
        AuditLog b = startLog(openStore(5000), "b", headsOfB);
        record(b, 10, "bob");
        b.close();
        assertEquals(30, headsOfB.read().get("a").seq(), "b saw a's head when it stored its own checkpoint");
        assertEquals(10, headsOfB.read().get("b").seq());
        assertEquals(java.util.Set.of("a"), headsOfA.read().keySet(), "a stopped before b wrote anything");

        AuditTamper.truncate(dbFile(), "a", 21);
        AuditVerifier.Result r = AuditVerifier.verify(store, key, headsOfB.read(), null);
        assertFalse(r.ok());
        assertEquals("node 'a' entry seq 21 is missing (the chain ends at seq 20 but the head file records a signed"
                + " checkpoint at seq 30)", r.message());
        assertTrue(AuditVerifier.verify(store, key, Map.of(), null).ok(), "the database alone cannot tell");
    }
}
