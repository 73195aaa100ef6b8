package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.Permission;
import keyward.store.StoreException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rotate-findex-label: same answers before and after, nothing of the old generation left, online. */
class LabelRotationTest {
    private final String ns = RedisTestSupport.newNamespace();
    private final List<RedisStore> stores = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    @AfterEach
    void drop() {
        stores.forEach(RedisStore::close);
        RedisTestSupport.drop(ns);
    }

    private RedisStore open(String label) {
        RedisStore s = RedisTestSupport.open(ns, label);
        stores.add(s);
        return s;
    }

    @Test
    void rotateLabel_keepsEveryAnswer_compactsTheIndex_andLeavesNothingOfTheOldGeneration() {
        RedisStore a = open("L1");
        RedisStore follower = open("L1");
        workload(a);
        Map<String, Object> before = answers(a);
        int cellsBefore = indexKeys().size();
        String oldGeneration = keys().generation("L1");

        a.rotateLabel("L2", progress::add);

        assertTrue(progress.get(progress.size() - 1).startsWith("done:"), progress.toString());
        assertTrue(progress.stream().anyMatch(p -> p.startsWith("rebuilt the index entries of")), progress.toString());
        assertEquals(before, answers(a));
        assertEquals(before, answers(follower), "a running instance with the old label follows the switch");
        assertEquals(before, answers(open("L2")));
        List<String> index = indexKeys();
        assertTrue(index.stream().allMatch(k -> k.startsWith(keys().generation("L2"))), "only the new generation");
        assertTrue(index.stream().noneMatch(k -> k.startsWith(oldGeneration)));
        assertTrue(index.size() < cellsBefore, "compacted: " + cellsBefore + " -> " + index.size());
        try (RedisPool p = pool()) {
            assertEquals(List.of(), RedisTestSupport.keys(p, ns + ":next"), "no rotation marker left");
        }
    }

    @Test
    void rotateLabel_anInstanceStartedWithTheOldLabelAfterwards_isRefusedClearly() {
        open("L1").rotateLabel("L2", progress::add);
        StoreException e = assertThrows(StoreException.class, () -> open("L1"));
        assertTrue(e.getMessage().contains("this Redis index uses a different findex label"), e.getMessage());
    }

    @Test
    void rotateLabel_writesFromAnotherInstanceDuringTheRebuild_areInTheNewGeneration() {
        RedisStore a = open("L1");
        RedisStore b = open("L1");
        workload(a);
        a.rotateLabel("L2", line -> {
            if (line.startsWith("rotation from")) {
                b.insertKey(key("during-1", List.of("late"), "dora"));  // b has not seen the marker yet
            }
            if (line.startsWith("rebuild complete")) {
                // the scan is over: only b's own writes can bring these into the new generation
                b.insertKey(key("during-2", List.of("late"), "dora"));
                retag(b, "k1", List.of("moved"));
            }
        });
        b.insertKey(key("after-1", List.of("late"), "dora"));          // b has not seen the switch yet
        RedisStore fresh = open("L2");
        assertEquals(List.of("after-1", "during-1", "during-2"), ids(fresh, tagged("late")));
        assertEquals(List.of("k1"), ids(fresh, tagged("moved")));
        assertEquals(List.of("k0", "k6", "k7"), ids(fresh, tagged("t1")), "k1 left t1 during the rebuild");
        assertEquals(List.of("after-1", "during-1", "during-2"),
                ids(fresh, new KeyQuery(List.of(), null, null, null, "dora", null, 10, null)));
    }

    @Test
    void rotateLabel_aWriterWhoseIndexWriteCameBeforeTheRotation_redoesItsWrite() {
        RedisStore a = open("L1");
        RedisStore b = open("L1");
        b.afterIndexWrite(() -> {
            b.afterIndexWrite(() -> { });
            a.rotateLabel("L2", progress::add);   // the whole rotation runs between b's index and object writes
        });
        b.insertKey(key("slow", List.of("racing"), "sam"));
        assertEquals(List.of("slow"), ids(open("L2"), tagged("racing")));
    }

    @Test
    void rotateLabel_interrupted_isResumedWithTheSameLabel_andRefusedWithAnother() {
        RedisStore a = open("L1");
        workload(a);
        Map<String, Object> before = answers(a);
        assertThrows(IllegalStateException.class, () -> a.rotateLabel("L2", line -> {
            if (line.startsWith("rebuilt")) {
                throw new IllegalStateException("operator pressed ctrl-c");
            }
        }));
        assertEquals(before, answers(a), "half-way, the old generation still answers");
        StoreException e = assertThrows(StoreException.class, () -> a.rotateLabel("L3", progress::add));
        assertTrue(e.getMessage().contains("a rotation to findex label 'L2' is in progress"), e.getMessage());
        a.rotateLabel("L2", progress::add);
        assertTrue(progress.stream().anyMatch(p -> p.startsWith("resuming")), progress.toString());
        assertEquals(before, answers(a));
        assertTrue(indexKeys().stream().allMatch(k -> k.startsWith(keys().generation("L2"))));
    }

    @Test
    void rotateLabel_toTheLabelInUse_onlyRemovesLeftovers() {
        RedisStore a = open("L1");
        workload(a);
        Map<String, Object> before = answers(a);
        try (RedisPool p = pool()) {
            p.call("SET", keys().generation("L0") + "leftover", "x");
        }
        a.rotateLabel("L1", progress::add);
        assertEquals(before, answers(a));
        assertTrue(indexKeys().stream().allMatch(k -> k.startsWith(keys().generation("L1"))));
        assertNotEquals(List.of(), indexKeys());
    }

    // ---- workload and answers ----

    private static KeyRecord key(String id, List<String> tags, String owner) {
        KeyRecord.Builder b = ConcurrentInstancesTest.key(id).toBuilder();
        b.tags = tags;
        b.owner = owner;
        return b.build();
    }

    private static void retag(RedisStore s, String id, List<String> tags) {
        KeyRecord.Builder b = s.findKey(id).orElseThrow().toBuilder();
        b.tags = tags;
        s.updateKey(b.build());
    }

    /** Keys, users, tokens and audit, with deletions and changes so that compaction has work. */
    private static void workload(RedisStore s) {
        for (int i = 0; i < 12; i++) {
            KeyRecord.Builder b = key("k" + i, List.of("t" + i % 3, "all"), i % 2 == 0 ? "alice" : "bob").toBuilder();
            b.name = "key-" + i;
            b.grants = i % 4 == 0 ? Map.of("carol", Set.of(Permission.ENCRYPT)) : Map.of();
            s.insertKey(b.build());
        }
        for (int i = 0; i < 12; i += 2) {
            KeyRecord.Builder b = s.findKey("k" + i).orElseThrow().toBuilder();
            b.tags = List.of("t" + (i + 1) % 3, "changed");
            b.state = i % 4 == 0 ? KeyState.DEACTIVATED : KeyState.ACTIVE;
            b.name = "renamed-" + i;
            s.updateKey(b.build());
        }
        for (String u : List.of("alice", "bob", "carol", "gone")) {
            s.insertUser(new UserRecord(u, u.equals("alice"), Instant.EPOCH));
            s.insertToken(new TokenRecord("tok-" + u, u, RedisTestSupport.random(32), Instant.EPOCH, null));
        }
        s.deleteUser("gone");
        s.deleteToken("bob", "tok-bob");
        List<AuditRecord> audit = new ArrayList<>();
        for (int seq = 1; seq <= 6; seq++) {
            audit.add(new AuditRecord(0, seq % 2 == 0 ? "n1" : "n2", (seq + 1) / 2, Instant.EPOCH, seq % 3 == 0 ? "bob" : "alice",
                    "encrypt", "k" + seq % 2, "ok", null, null, new byte[32]));
        }
        s.appendAudit(audit);
        s.putCheckpoint(new AuditCheckpoint("n1", 3, new byte[32], new byte[64], Instant.EPOCH));
    }

    private static Map<String, Object> answers(RedisStore s) {
        Map<String, Object> m = new TreeMap<>();
        m.put("all", ids(s, KeyQuery.all(1000, null)));
        for (String t : List.of("t0", "t1", "t2", "all", "changed")) {
            m.put("tag " + t, ids(s, tagged(t)));
        }
        m.put("owner", ids(s, new KeyQuery(List.of(), null, null, null, "alice", null, 100, null)));
        m.put("state", ids(s, new KeyQuery(List.of(), null, null, KeyState.DEACTIVATED, null, null, 100, null)));
        m.put("alg", ids(s, new KeyQuery(List.of(), null, "aes-256-gcm", null, null, null, 100, null)));
        m.put("name", ids(s, new KeyQuery(List.of(), "renamed-4", null, null, null, null, 100, null)));
        m.put("old name", ids(s, new KeyQuery(List.of(), "key-4", null, null, null, null, 100, null)));
        m.put("visible", ids(s, new KeyQuery(List.of(), null, null, null, null, "carol", 100, null)));
        m.put("users", s.listUsers());
        m.put("tokens", List.of(s.listTokens("alice"), s.listTokens("bob"), s.listTokens("gone")));
        m.put("audit user", s.listAudit(new AuditQuery(0, 100, null, null, "bob")));
        m.put("audit key", s.listAudit(new AuditQuery(0, 100, null, "k1", null)));
        m.put("audit node", s.listAudit(new AuditQuery(0, 100, "n1", null, null)));
        m.put("nodes", s.auditNodes());
        m.put("checkpoints", s.checkpoints("n1").stream().map(AuditCheckpoint::seq).toList());
        return m;
    }

    private static KeyQuery tagged(String tag) {
        return new KeyQuery(List.of(tag), null, null, null, null, null, 100, null);
    }

    private static List<String> ids(RedisStore s, KeyQuery q) {
        return s.locate(q).keys().stream().map(KeyRecord::id).toList();
    }

    private RedisKeys keys() {
        return RedisTestSupport.keys(ns);
    }

    private static RedisPool pool() {
        return RedisTestSupport.rawPool();
    }

    private List<String> indexKeys() {
        try (RedisPool p = pool()) {
            List<String> k = RedisTestSupport.keys(p, ns + ":i:*");
            assertFalse(k.isEmpty());
            return k;
        }
    }
}
