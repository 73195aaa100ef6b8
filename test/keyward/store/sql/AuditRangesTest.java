package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Listings by key or user read the position ranges stored per many entries (kw_audit_refs), and each
 * node's entries after its mark. Ranges of
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

            // what verify-audit checks: the index snapshot finds k1 everywhere in its merged ranges, k2 nowhere
            keyward.store.AuditIndex index = s.auditIndex();
            assertEquals(0, index.indexedThrough("n1"), "50 entries wait after the mark made with the first batch");
            assertEquals(Long.MAX_VALUE, index.indexedThrough("n9"), "a node without a mark had ranges with every batch");
            for (AuditRecord a : every) {
                assertTrue(index.finds("key", "k1", a.position()));
                assertFalse(index.finds("key", "k2", a.position()));
            }
            assertFalse(index.finds("key", "k1", first - 1));
            assertFalse(index.finds("key", "k1", last + 1));
        }
    }

    @Test
    void sqlite_rangesEveryManyEntries_tailListedBeforeAndAfterReopen() throws Exception {
        checkMarks(SqlOptions.sqlite(dir.resolve("kw.db")));
    }

    @Test
    void postgres_rangesEveryManyEntries_tailListedBeforeAndAfterReopen() throws Exception {
        TestDatabases.onNewPostgres(AuditRangesTest::checkMarks);
    }

    @Test
    void mariadb_rangesEveryManyEntries_tailListedBeforeAndAfterReopen() throws Exception {
        TestDatabases.onNewMariadb(AuditRangesTest::checkMarks);
    }

    /**
     * Ranges come once {@link AuditLog#RANGES_EVERY} entries of a node wait, not per batch: the
     * node's mark follows, the entries after it are listed from the tail, also by a store opened
     * afresh, and the next due append covers them too.
     */
    private static void checkMarks(SqlOptions o) throws Exception {
        int batch = 2000;
        int batches = (AuditLog.RANGES_EVERY / batch + 1) * 2 + 1; // past two marks, and a tail after the second
        long seq = 0;
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            for (int b = 0; b < batches; b++) {
                List<AuditRecord> entries = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    seq++;
                    entries.add(entry("n1", seq, "k" + seq % 97));
                }
                s.appendAudit(entries);
            }
        }
        long marked = markOfN1(o);
        long expectedMark = 0;
        for (long hi = batch; hi <= seq; hi += batch) {
            if (hi - expectedMark >= AuditLog.RANGES_EVERY) {
                expectedMark = hi;
            }
        }
        assertEquals(expectedMark, marked);
        assertTrue(marked < seq, "a tail without ranges is left");
        try (SqlStore s = SqlStore.open(o)) {
            s.open();
            assertListings(s, 97);
            List<AuditRecord> more = new ArrayList<>();
            for (int i = 0; i < AuditLog.RANGES_EVERY; i++) {
                seq++;
                more.add(entry("n1", seq, "k" + seq % 97));
            }
            s.appendAudit(more); // due: covers the tail left before the reopen, and these
            assertListings(s, 97);
        }
        assertEquals(seq, markOfN1(o));
    }

    /** Node n1's mark: the last seq whose entry has its ranges. */
    private static long markOfN1(SqlOptions o) throws Exception {
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT last_position FROM kw_audit_refs WHERE kind = 'node' AND ref = 'n1'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** For a few keys and the user: the filtered listing, whole and in pages, is the full one filtered. */
    private static void assertListings(SqlStore s, int keys) {
        List<AuditRecord> every = new ArrayList<>();
        for (long after = 0; ; ) {
            List<AuditRecord> page = s.listAudit(new AuditQuery(after, 10_000, null, null, null));
            if (page.isEmpty()) {
                break;
            }
            every.addAll(page);
            after = page.get(page.size() - 1).position();
        }
        for (String key : List.of("k0", "k5", "k" + (keys - 1))) {
            List<AuditRecord> want = every.stream().filter(a -> key.equals(a.keyRef())).toList();
            assertEquals(want, s.listAudit(new AuditQuery(0, 10_000, null, key, null)), key);
            List<AuditRecord> paged = new ArrayList<>();
            for (long after = 0; ; ) {
                List<AuditRecord> page = s.listAudit(new AuditQuery(after, 150, "n1", key, null));
                if (page.isEmpty()) {
                    break;
                }
                paged.addAll(page);
                after = page.get(page.size() - 1).position();
            }
            assertEquals(want, paged, key + " in pages");
        }
        List<AuditRecord> tail = every.subList(every.size() - 300, every.size());
        assertEquals(tail, s.listAudit(new AuditQuery(tail.get(0).position() - 1, 300, null, null, "alice")));
    }

    private static AuditRecord entry(String node, long seq, String key) {
        byte[] hash = new byte[32];
        hash[31] = (byte) seq;
        return new AuditRecord(0, node, seq, Instant.ofEpochMilli(seq), "alice", "encrypt", key, "ok", null, null, hash);
    }
}
