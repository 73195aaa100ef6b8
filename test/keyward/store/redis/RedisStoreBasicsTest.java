package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the conformance suite does not cover: meta, leases, ping, kind, long ids, a second instance. */
class RedisStoreBasicsTest {
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.089Z");
    private String ns;
    private RedisStore store;

    @BeforeEach
    void openStore() {
        ns = RedisTestSupport.newNamespace();
        store = RedisTestSupport.open(ns, "L1");
    }

    @AfterEach
    void dropStore() {
        store.close();
        RedisTestSupport.drop(ns);
    }

    static KeyRecord key(String id, String name, List<String> tags) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = id;
        b.name = name;
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = "alice";
        b.tags = tags;
        b.primaryVersion = 1;
        b.createdAt = T0;
        b.versions = List.of(new KeyVersion(1, 42, "kek-1", new byte[] {1, 2, 3}, null, T0));
        b.rowVersion = 1;
        return b.build();
    }

    @Test
    void kindAndPing_answer() {
        assertEquals("redis-findex", store.kind());
        assertTrue(store.ping());
        store.open();
    }

    @Test
    void meta_putIfAbsentOnlyOnce_andPutReplaces() {
        assertEquals(Optional.empty(), store.getMeta("canary"));
        assertTrue(store.putMetaIfAbsent("canary", new byte[] {1}));
        assertFalse(store.putMetaIfAbsent("canary", new byte[] {2}));
        assertArrayEquals(new byte[] {1}, store.getMeta("canary").orElseThrow());
        store.putMeta("canary", new byte[] {3});
        assertArrayEquals(new byte[] {3}, store.getMeta("canary").orElseThrow());
    }

    @Test
    void claimLease_isExclusiveUntilItExpires_andRenewableByItsHolder() {
        assertTrue(store.claimLease("rotation", "a", T0, Duration.ofSeconds(10)));
        assertFalse(store.claimLease("rotation", "b", T0.plusSeconds(5), Duration.ofSeconds(10)));
        assertTrue(store.claimLease("rotation", "a", T0.plusSeconds(5), Duration.ofSeconds(10)), "renewed");
        assertFalse(store.claimLease("rotation", "b", T0.plusSeconds(15), Duration.ofSeconds(10)), "held at its last instant");
        assertTrue(store.claimLease("rotation", "b", T0.plusMillis(15_001), Duration.ofSeconds(10)), "expired after 15 s");
        assertTrue(store.claimLease("other", "a", T0, Duration.ofSeconds(10)), "leases are independent");
    }

    @Test
    void secondInstance_seesTheFirstOnesWrites() {
        store.insertKey(key("k1", "payments", List.of("pci")));
        try (RedisStore other = RedisTestSupport.open(ns, "L1")) {
            assertEquals("k1", other.findKeyByName("payments").orElseThrow().id());
            assertEquals(1, other.locate(new KeyQuery(List.of("pci"), null, null, null, null, null, 10, null)).keys().size());
        }
    }

    @Test
    void insertKey_idOf64Characters_isIndexed_andALongerOneIsRefusedByName() {
        store.insertKey(key("i".repeat(64), null, List.of("long")));
        assertEquals(1, store.locate(new KeyQuery(List.of("long"), null, null, null, null, null, 10, null)).keys().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.insertKey(key("x".repeat(71), null, List.of())));
        assertTrue(e.getMessage().contains("ids must be at most 70 bytes"), e.getMessage());
    }

    @Test
    void listAudit_byNode_pagesThroughALongChain_afterEachPosition() {
        List<AuditRecord> batch = new ArrayList<>();
        for (int seq = 1; seq <= 60; seq++) {
            batch.add(new AuditRecord(0, seq % 3 == 0 ? "other" : "n1", seq, T0, "u", "op", null, "ok",
                    null, null, new byte[32]));
        }
        store.appendAudit(batch);
        List<Long> seen = new ArrayList<>();
        long after = 0;
        for (int page = 0; page < 10; page++) {
            List<AuditRecord> got = store.listAudit(new AuditQuery(after, 7, "n1", null, null));
            if (got.isEmpty()) {
                break;
            }
            got.forEach(a -> seen.add(a.seq()));
            after = got.get(got.size() - 1).position();
        }
        assertEquals(LongStream.rangeClosed(1, 60).filter(s -> s % 3 != 0).boxed().toList(), seen);
        assertEquals(59, store.lastAudit("n1").orElseThrow().seq());
    }

    @Test
    void locate_visibleToAndGrants_followUpdates() {
        KeyRecord k = key("k1", null, List.of("a"));
        store.insertKey(k);
        KeyQuery bob = new KeyQuery(List.of(), null, null, null, null, "bob", 10, null);
        assertEquals(0, store.locate(bob).keys().size());
        KeyRecord.Builder b = k.toBuilder();
        b.grants = Map.of("bob", Set.of(Permission.ENCRYPT));
        b.tags = List.of("b");
        KeyRecord k2 = store.updateKey(b.build());
        assertEquals(List.of(k2), store.locate(bob).keys());
        assertEquals(0, store.locate(new KeyQuery(List.of("a"), null, null, null, null, null, 10, null)).keys().size());
        assertEquals(1, store.locate(new KeyQuery(List.of("b"), null, null, null, null, null, 10, null)).keys().size());
    }
}
