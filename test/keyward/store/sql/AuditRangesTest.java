package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings by key or user read the position ranges stored per batch (kw_audit_refs). Ranges of
 * several nodes may overlap (concurrent batches on a shared database; a migration redone): an entry
 * is still listed once, in position order, and a page stops at its limit.
 */
class AuditRangesTest {

    @TempDir
    Path dir;

    @Test
    void sqlite_overlappingRanges_listEachEntryOnce_inOrder() throws Exception {
        check(SqlOptions.sqlite(dir.resolve("kw.db")));
    }

    @Test
    void postgres_overlappingRanges_listEachEntryOnce_inOrder() throws Exception {
        TestDatabases.onNewPostgres(AuditRangesTest::check);
    }

    @Test
    void mariadb_overlappingRanges_listEachEntryOnce_inOrder() throws Exception {
        TestDatabases.onNewMariadb(AuditRangesTest::check);
    }

    private static void check(SqlOptions o) throws Exception {
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            for (int b = 0; b < 10; b++) { // ten batches, alternating nodes, k1 in every one
                List<AuditRecord> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(entry(b % 2 == 0 ? "n1" : "n2", b / 2 * 5 + i + 1, i % 2 == 0 ? "k1" : "k2"));
                }
                s.appendAudit(batch);
            }
            List<AuditRecord> every = s.listAudit(new AuditQuery(0, 1000, null, null, null));
            long first = every.get(0).position();
            long last = every.get(every.size() - 1).position();
            try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
                // a range over everything, and one inside another: as concurrent batches of two nodes leave
                st.executeUpdate("INSERT INTO kw_audit_refs (kind, ref, first_position, last_position)"
                        + " VALUES ('key', 'k1', " + first + ", " + last + ")");
                st.executeUpdate("INSERT INTO kw_audit_refs (kind, ref, first_position, last_position)"
                        + " VALUES ('key', 'k1', " + every.get(12).position() + ", " + every.get(30).position() + ")");
            }
            List<AuditRecord> k1 = every.stream().filter(a -> "k1".equals(a.keyRef())).toList();
            assertEquals(30, k1.size());
            assertEquals(k1, s.listAudit(new AuditQuery(0, 1000, null, "k1", null)));
            assertEquals(k1.subList(0, 7), s.listAudit(new AuditQuery(0, 7, null, "k1", null)));
            assertEquals(k1.subList(8, 12), s.listAudit(new AuditQuery(k1.get(7).position(), 4, null, "k1", null)));
            assertEquals(k1.stream().filter(a -> a.node().equals("n2")).toList(),
                    s.listAudit(new AuditQuery(0, 1000, "n2", "k1", null)));
        }
    }

    private static AuditRecord entry(String node, long seq, String key) {
        byte[] hash = new byte[32];
        hash[31] = (byte) seq;
        return new AuditRecord(0, node, seq, Instant.ofEpochMilli(seq), "alice", "encrypt", key, "ok", null, null, hash);
    }
}
