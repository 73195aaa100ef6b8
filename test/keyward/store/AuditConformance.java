package keyward.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Audit entries and checkpoints. Part of {@link StoreConformanceTest}. */
public abstract class AuditConformance extends AccountConformance {

    private static AuditQuery all() {
        return new AuditQuery(0, 1000, null, null, null);
    }

    @Test
    void appendAudit_assignsAscendingPositions_inTheOrderGiven() {
        List<AuditRecord> batch = List.of(audit("n1", 1, "alice", "k1"), audit("n1", 2, null, null), audit("n2", 1, "bob", "k2"));
        store.appendAudit(batch);
        store.appendAudit(List.of(audit("n1", 3, "alice", "k1")));
        List<AuditRecord> listed = store.listAudit(all());
        assertEquals(List.of(batch.get(0), batch.get(1), batch.get(2), audit("n1", 3, "alice", "k1")), listed);
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(listed.get(i).position() > listed.get(i - 1).position(), "positions ascend");
        }
        assertTrue(listed.get(0).position() > 0);
    }

    /** 70 entries: two multi-row statements of 32 and six single rows on SQL; one order everywhere. */
    @Test
    void appendAudit_largeBatch_keepsTheOrderGiven_andRefusesARepeatAnywhereInIt() {
        java.util.List<AuditRecord> batch = new java.util.ArrayList<>();
        for (int i = 1; i <= 70; i++) {
            batch.add(audit(i % 2 == 0 ? "n1" : "n2", (i + 1) / 2, i % 3 == 0 ? "bob" : "alice", "k" + i % 4));
        }
        store.appendAudit(batch);
        List<AuditRecord> listed = store.listAudit(all());
        assertEquals(batch, listed);
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(listed.get(i).position() > listed.get(i - 1).position(), "positions ascend");
        }
        java.util.List<AuditRecord> clash = new java.util.ArrayList<>();
        for (int i = 36; i <= 100; i++) {
            clash.add(audit("n3", i, null, null));
        }
        clash.add(audit("n1", 35, null, null)); // stored above: refused, and with it the 65 new ones
        assertThrows(ConflictException.class, () -> store.appendAudit(clash));
        assertEquals(70, store.listAudit(all()).size());
    }

    @Test
    void appendAudit_repeatedNodeAndSeq_isRefused_andNothingOfTheBatchIsStored() {
        store.appendAudit(List.of(audit("n1", 1, "alice", null)));
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.appendAudit(List.of(audit("n1", 2, "alice", null), audit("n1", 1, "bob", null))));
        assertEquals(ConflictException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals(List.of(audit("n1", 1, "alice", null)), store.listAudit(all()));
    }

    @Test
    void appendAudit_sameSeqOnAnotherNode_isAccepted() {
        store.appendAudit(List.of(audit("n1", 1, null, null), audit("n2", 1, null, null)));
        assertEquals(2, store.listAudit(all()).size());
    }

    @Test
    void listAudit_filtersByNodeKeyAndUser_afterAPosition_uptoALimit() {
        store.appendAudit(List.of(audit("n1", 1, "alice", "k1"), audit("n1", 2, "bob", "k2"), audit("n2", 1, "alice", "k2"),
                audit("n2", 2, "bob", "k1"), audit("n1", 3, "alice", "k1")));
        List<AuditRecord> every = store.listAudit(all());
        assertEquals(List.of(every.get(0), every.get(1), every.get(4)), store.listAudit(new AuditQuery(0, 10, "n1", null, null)));
        assertEquals(List.of(every.get(0), every.get(3), every.get(4)), store.listAudit(new AuditQuery(0, 10, null, "k1", null)));
        assertEquals(List.of(every.get(1), every.get(3)), store.listAudit(new AuditQuery(0, 10, null, null, "bob")));
        assertEquals(List.of(every.get(4)), store.listAudit(new AuditQuery(every.get(0).position(), 10, "n1", "k1", "alice")));
        assertEquals(every.subList(2, 4), store.listAudit(new AuditQuery(every.get(1).position(), 2, null, null, null)));
        assertEquals(List.of(), store.listAudit(new AuditQuery(every.get(4).position(), 10, null, null, null)));
    }

    /**
     * Forty batches from two nodes over five keys and three users, read back filtered by key, user
     * and both, a page of three at a time: the pages join up to exactly the matching entries, in
     * order. Covers keys seen in one batch only, in every batch, and in none.
     */
    @Test
    void listAudit_filteredAndPaged_overManyBatches_matchesAFullScan() {
        java.util.Random random = new java.util.Random(42);
        String[] keys = {"k1", "k2", "k3", "k4", null};
        String[] users = {"alice", "bob", null};
        long[] seqs = new long[2];
        for (int b = 0; b < 40; b++) {
            int node = random.nextInt(2);
            java.util.List<AuditRecord> batch = new java.util.ArrayList<>();
            for (int i = random.nextInt(6); i >= 0; i--) {
                String key = b == 17 ? "once" : keys[random.nextInt(keys.length)];
                batch.add(audit("n" + node, ++seqs[node], users[random.nextInt(users.length)], key));
            }
            store.appendAudit(batch);
        }
        List<AuditRecord> every = store.listAudit(new AuditQuery(0, 10_000, null, null, null));
        for (String key : new String[] {"k1", "k3", "once", "never", null}) {
            for (String user : new String[] {"alice", "bob", null}) {
                if (key == null && user == null) {
                    continue;
                }
                List<AuditRecord> want = every.stream().filter(a -> (key == null || key.equals(a.keyRef()))
                        && (user == null || user.equals(a.user()))).toList();
                java.util.List<AuditRecord> got = new java.util.ArrayList<>();
                long after = 0;
                while (true) {
                    List<AuditRecord> page = store.listAudit(new AuditQuery(after, 3, null, key, user));
                    got.addAll(page);
                    if (page.size() < 3) {
                        break;
                    }
                    after = page.get(page.size() - 1).position();
                }
                assertEquals(want, got, "key " + key + ", user " + user);
                for (int i = 1; i < got.size(); i++) {
                    assertTrue(got.get(i).position() > got.get(i - 1).position(), "ascending, no repeats");
                }
            }
        }
    }

    @Test
    void lastAudit_returnsTheHighestSeqOfThatNode() {
        store.appendAudit(List.of(audit("n1", 1, null, null), audit("n1", 2, null, null), audit("n2", 7, null, null)));
        assertEquals(2, store.lastAudit("n1").orElseThrow().seq());
        assertArrayEquals(audit("n1", 2, null, null).hash(), store.lastAudit("n1").orElseThrow().hash());
        assertEquals(7, store.lastAudit("n2").orElseThrow().seq());
        assertEquals(Optional.empty(), store.lastAudit("n3"));
    }

    @Test
    void auditNodes_listsEveryNodeWithEntries() {
        assertEquals(List.of(), store.auditNodes());
        store.appendAudit(List.of(audit("n2", 1, null, null), audit("n1", 1, null, null), audit("n2", 2, null, null)));
        assertEquals(List.of("n1", "n2"), store.auditNodes().stream().sorted().toList());
    }

    @Test
    void checkpoints_areListedPerNode_ascendingBySeq() {
        AuditCheckpoint c5 = new AuditCheckpoint("n1", 5, bytes(32), bytes(64), at(5));
        AuditCheckpoint c2 = new AuditCheckpoint("n1", 2, bytes(32), bytes(64), at(2));
        AuditCheckpoint other = new AuditCheckpoint("n2", 3, bytes(32), bytes(64), at(3));
        store.putCheckpoint(c5);
        store.putCheckpoint(c2);
        store.putCheckpoint(other);
        List<AuditCheckpoint> listed = store.checkpoints("n1");
        assertEquals(List.of(2L, 5L), listed.stream().map(AuditCheckpoint::seq).toList());
        assertArrayEquals(c2.hash(), listed.get(0).hash());
        assertArrayEquals(c5.signature(), listed.get(1).signature());
        assertEquals(c5.time(), listed.get(1).time());
        assertEquals(List.of(), store.checkpoints("n3"));
    }

    @Test
    void appendAudit_withACheckpoint_storesBoth_orOnAClashNeither() {
        AuditCheckpoint c2 = new AuditCheckpoint("n1", 2, bytes(32), bytes(64), at(2));
        store.appendAudit(List.of(audit("n1", 1, "alice", null), audit("n1", 2, "alice", null)), c2);
        assertEquals(2, store.listAudit(all()).size());
        List<AuditCheckpoint> listed = store.checkpoints("n1");
        assertEquals(List.of(2L), listed.stream().map(AuditCheckpoint::seq).toList());
        assertArrayEquals(c2.signature(), listed.get(0).signature());
        store.appendAudit(List.of(audit("n2", 1, "bob", null)), new AuditCheckpoint("n2", 1, bytes(32), bytes(64), at(1)));
        store.putCheckpoint(new AuditCheckpoint("n1", 1, bytes(32), bytes(64), at(1)));
        assertEquals(List.of("n1/2", "n2/1"), store.newestCheckpoints().stream().map(c -> c.node() + "/" + c.seq())
                .sorted().toList());

        AuditCheckpoint c3 = new AuditCheckpoint("n1", 3, bytes(32), bytes(64), at(3));
        assertThrows(ConflictException.class,
                () -> store.appendAudit(List.of(audit("n1", 3, "bob", null), audit("n1", 2, "bob", null)), c3));
        assertEquals(3, store.listAudit(all()).size());
        assertEquals(List.of(1L, 2L), store.checkpoints("n1").stream().map(AuditCheckpoint::seq).toList());
    }

    /**
     * The audit package's writer and verifier on this backend: keyed chains and chained checkpoint
     * seals (113 bytes) go through the store unchanged, across a restart of the writer.
     */
    @Test
    void aRealAuditLog_continuedAfterARestart_verifies() {
        keyward.crypto.AuditKey key = keyward.crypto.AuditKey.generate();
        for (int run = 0; run < 2; run++) {
            try (keyward.audit.AuditLog log = new keyward.audit.AuditLog(store, key, "n1", keyward.time.Clock.system())) {
                log.start();
                for (int i = 0; i < 30; i++) {
                    log.record("alice", "encrypt", "k" + i % 3, "ok", "10.0.0.1");
                }
            }
        }
        keyward.audit.AuditVerifier.Result r = keyward.audit.AuditVerifier.verify(store, key, null);
        assertTrue(r.ok(), r.message());
        assertEquals("audit log verified: 60 entries on 1 node", r.message());
        List<AuditCheckpoint> cps = store.checkpoints("n1");
        assertEquals(List.of(30L, 60L), cps.stream().map(AuditCheckpoint::seq).toList());
        assertTrue(cps.stream().allMatch(cp -> cp.signature().length == 113), "chained seals kept whole");
        assertEquals(List.of(60L), r.newest().stream().map(AuditCheckpoint::seq).toList(), "the head to record");
    }
}
