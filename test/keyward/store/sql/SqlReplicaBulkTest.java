package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.RandomRecords;
import keyward.store.Replica;
import keyward.store.ReplicaTx;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The bulk writes replication uses ({@link ReplicaTx#insertKeys}, {@link ReplicaTx#putDocs},
 * {@link ReplicaTx#docs}, {@link ReplicaTx#keysPresent}, {@link ReplicaTx#appendAll}, and pages of
 * {@link ReplicaTx#docsAfter}) on SQLite, PostgreSQL and MariaDB: what they write reads back
 * exactly as the one-at-a-time writes would have stored it.
 */
class SqlReplicaBulkTest {

    @Test
    void sqlite() throws Exception {
        Path dir = SqlTestSupport.newSqliteDir();
        try (SqlStore s = SqlTestSupport.openSqlite(dir)) {
            check(s);
        } finally {
            SqlTestSupport.delete(dir);
        }
    }

    @Test
    void postgres() throws Exception {
        TestDatabases.requirePostgres();
        TestDatabases.onNewPostgres(o -> {
            try (SqlStore s = SqlTestSupport.openEmpty(o)) {
                check(s);
            }
        });
    }

    @Test
    void mariadb() throws Exception {
        TestDatabases.requireMariadb();
        TestDatabases.onNewMariadb(o -> {
            try (SqlStore s = SqlTestSupport.openEmpty(o)) {
                check(s);
            }
        });
    }

    private static void check(SqlStore s) {
        Replica r = s.replica().orElseThrow();
        RandomRecords random = new RandomRecords(21);
        List<KeyRecord> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            KeyRecord k = random.key();
            KeyRecord.Builder b = k.toBuilder();
            b.rowVersion = 0;
            keys.add(b.build());
        }
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        r.write("bulk", tx -> {
            tx.insertKeys(keys);
            List<ReplicaTx.DocWrite> docs = new ArrayList<>();
            for (KeyRecord k : keys) {
                docs.add(new ReplicaTx.DocWrite("key", k.id(), ("old " + k.id()).getBytes(StandardCharsets.UTF_8), false));
                docs.add(new ReplicaTx.DocWrite("key", k.id(), ("doc " + k.id()).getBytes(StandardCharsets.UTF_8), false));
            }
            tx.putDocs(docs, at);
            return null;
        });
        for (KeyRecord k : keys) {
            assertEquals(k, s.findKey(k.id()).orElseThrow(), "key " + k.id() + " reads back as inserted");
        }
        List<String> ids = new ArrayList<>(keys.stream().map(KeyRecord::id).toList());
        ids.add("absent-key");
        r.read("check", tx -> {
            assertEquals(Set.copyOf(keys.stream().map(KeyRecord::id).toList()), tx.keysPresent(ids));
            Map<String, byte[]> docs = tx.docs("key", ids);
            assertEquals(keys.size(), docs.size(), "one document per key, the last written");
            for (KeyRecord k : keys) {
                assertArrayEquals(("doc " + k.id()).getBytes(StandardCharsets.UTF_8), docs.get(k.id()));
            }
            List<String> paged = new ArrayList<>();
            String kind = "";
            String id = "";
            for (List<ReplicaTx.DocRow> page; !(page = tx.docsAfter(kind, id, 7)).isEmpty(); ) {
                for (ReplicaTx.DocRow d : page) {
                    paged.add(d.objectId());
                    kind = d.kind();
                    id = d.objectId();
                }
            }
            assertEquals(keys.size(), paged.size(), "pages of docsAfter hold every document once");
            assertEquals(Set.copyOf(keys.stream().map(KeyRecord::id).toList()), Set.copyOf(paged));
            return null;
        });

        String a = "00000000-0000-0000-0000-00000000000a";
        String b = "00000000-0000-0000-0000-00000000000b";
        List<ChangeRow> rows = List.of(change(id(1, a), a), change(id(3, a), a),
                change(id(2, b), b));
        r.write("append", tx -> {
            tx.appendAll(rows, at);
            return null;
        });
        assertEquals(Map.of(a, id(3, a), b, id(2, b)), r.vector());
        assertEquals(rows.size(), r.changesAfter(Map.of(), 10, Long.MAX_VALUE).size());
        List<ChangeRow> after = r.changesAfter(Map.of(a, id(1, a), b, id(2, b)), 10,
                Long.MAX_VALUE);
        assertEquals(List.of(id(3, a)), after.stream().map(ChangeRow::changeId).toList());
        assertFalse(r.changesAfter(Map.of(a, id(1, a)), 10, Long.MAX_VALUE).isEmpty(),
                "an origin the vector lacks is sent whole");

        // a consumer far behind one origin, with its own old change in its vector: the changes come
        // in change-id order across origins, each origin's a prefix of what it lacks, within the limits
        String c = "00000000-0000-0000-0000-00000000000c";
        List<ChangeRow> more = new ArrayList<>();
        for (int n = 10; n < 40; n++) {
            String origin = n % 3 == 0 ? c : n % 3 == 1 ? a : b;
            more.add(change(id(n, origin), origin));
        }
        r.write("append more", tx -> {
            tx.appendAll(more, at);
            return null;
        });
        Map<String, String> behind = Map.of(a, id(1, a), b, id(22, b), c, id(0, c));
        List<String> expected = new ArrayList<>();
        for (ChangeRow row : concat(rows, more)) {
            if (row.changeId().compareTo(behind.get(row.origin())) > 0) {
                expected.add(row.changeId());
            }
        }
        expected.sort(String::compareTo);
        assertEquals(expected.subList(0, 12), r.changesAfter(behind, 12, Long.MAX_VALUE).stream()
                .map(ChangeRow::changeId).toList(), "the first 12 changes the vector lacks, in order");
        int payload = more.get(0).payload().length;
        assertEquals(expected.subList(0, 3), r.changesAfter(behind, 12, 3L * payload).stream()
                .map(ChangeRow::changeId).toList(), "no more than maxBytes of payload");
        assertEquals(expected.subList(0, 1), r.changesAfter(behind, 12, 1).stream()
                .map(ChangeRow::changeId).toList(), "the first change even when it alone is above maxBytes");

        awkwardValues(r);
        trimmedTombstones(r);
    }

    /**
     * {@link Replica#trim} deletes the tombstones last written before its time, over several of its
     * pages and two kinds, and nothing else: not newer tombstones, not old live documents.
     */
    private static void trimmedTombstones(Replica r) {
        Instant old = Instant.ofEpochMilli(1_600_000_000_000L);
        Instant recent = Instant.ofEpochMilli(1_800_000_000_000L);
        List<ReplicaTx.DocWrite> gone = new ArrayList<>();
        List<ReplicaTx.DocWrite> kept = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            gone.add(new ReplicaTx.DocWrite(i % 3 == 0 ? "token" : "user", "old-" + i, new byte[] {1}, true));
        }
        for (int i = 0; i < 10; i++) {
            kept.add(new ReplicaTx.DocWrite("user", "live-" + i, new byte[] {2}, false));
        }
        List<ReplicaTx.DocWrite> newer = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            newer.add(new ReplicaTx.DocWrite("token", "new-" + i, new byte[] {3}, true));
        }
        r.write("tombstones", tx -> {
            tx.putDocs(gone, old);
            tx.putDocs(kept, old);
            tx.putDocs(newer, recent);
            return null;
        });
        r.trim(Instant.ofEpochMilli(1_700_000_000_000L));
        r.read("check trim", tx -> {
            List<String> ids = new ArrayList<>();
            gone.forEach(d -> ids.add(d.objectId()));
            kept.forEach(d -> ids.add(d.objectId()));
            newer.forEach(d -> ids.add(d.objectId()));
            Set<String> left = new java.util.HashSet<>(tx.docs("user", ids).keySet());
            left.addAll(tx.docs("token", ids).keySet());
            Set<String> expected = new java.util.HashSet<>();
            kept.forEach(d -> expected.add(d.objectId()));
            newer.forEach(d -> expected.add(d.objectId()));
            assertEquals(expected.size(), left.size(), "documents left after the trim");
            assertEquals(expected, left, "only the old tombstones are gone");
            return null;
        });
    }

    /**
     * Texts with quotes, backslashes, percent signs and four-byte characters, every byte
     * value, empty documents and one over {@link BulkInsert#STATEMENT_BYTES} (alone in its
     * statement), in many more rows than one statement of MariaDB's bulk writes holds ({@link
     * BulkInsert#ROWS_PER_STATEMENT}), the last statement shorter: each reads back as written, and
     * an upsert of them all replaces each once.
     */
    private static void awkwardValues(Replica r) {
        String[] pieces = {"'", "\\", "\"", "%", "_", "🔑", "é", "`", ";--", "\\'", "0x41", "X'41'"};
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        List<ReplicaTx.DocWrite> docs = new ArrayList<>();
        int rows = BulkInsert.ROWS_PER_STATEMENT * 10 + 23;
        for (int i = 0; i < rows; i++) {
            String id = "odd " + i + " " + pieces[i % pieces.length] + pieces[(i / pieces.length) % pieces.length];
            byte[] doc = i % 50 == 0 ? new byte[0] : i % 7 == 3 ? java.util.Arrays.copyOfRange(every, 190 + i % 5, 253)
                    : java.util.Arrays.copyOf(every, i == 7 ? BulkInsert.STATEMENT_BYTES + 1 : 2048);
            if (doc.length > 0) {
                doc[0] = (byte) i;
            }
            docs.add(new ReplicaTx.DocWrite("awkward", id, doc, i % 2 == 0));
        }
        Instant at = Instant.ofEpochMilli(1_700_000_000_123L);
        for (int round = 0; round < 2; round++) { // the second round replaces every row by the upsert
            r.write("awkward", tx -> {
                tx.putDocs(docs, at);
                return null;
            });
        }
        r.read("check awkward", tx -> {
            Map<String, byte[]> back = tx.docs("awkward", docs.stream().map(ReplicaTx.DocWrite::objectId).toList());
            assertEquals(docs.size(), back.size(), "every awkward row, once");
            for (ReplicaTx.DocWrite d : docs) {
                assertArrayEquals(d.doc(), back.get(d.objectId()), "document of " + d.objectId());
            }
            return null;
        });
    }

    private static List<ChangeRow> concat(List<ChangeRow> x, List<ChangeRow> y) {
        List<ChangeRow> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }

    /** A change id as {@code keyward.repl.Hlc} makes them: 16 hex digits, a dot, the origin. */
    private static String id(long n, String origin) {
        return String.format("%016x", n) + "." + origin;
    }

    private static ChangeRow change(String id, String origin) {
        return new ChangeRow(id, origin, "key", "k-" + id.substring(0, 16), id.getBytes(StandardCharsets.UTF_8));
    }
}
