package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import keyward.ManualClock;
import keyward.Poll;
import keyward.crypto.AuditChainKey;
import keyward.crypto.AuditKey;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.Store;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;

class AuditLogTest extends AuditFixture {

    @Test
    void record_storesOneChain_fromSeq1_withTheRecordedFields() {
        ManualClock fixed = new ManualClock(Instant.parse("2026-03-04T05:06:07.089Z"));
        AuditLog log = started(new AuditLog(store, key, "host:9998", fixed));
        log.record("alice", "encrypt", "k1", "ok", "10.0.0.1");
        log.record(null, "login", null, "unauthorized", "10.0.0.2");
        log.close();
        List<AuditRecord> stored = entries("host:9998");
        assertEquals(2, stored.size());
        AuditRecord first = stored.get(0);
        AuditRecord second = stored.get(1);
        assertEquals(List.of(1L, 2L), List.of(first.seq(), second.seq()));
        assertEquals(List.of("alice", "encrypt", "k1", "ok", "10.0.0.1"),
                List.of(first.user(), first.operation(), first.keyRef(), first.outcome(), first.remote()));
        assertEquals(fixed.instant(), first.time());
        assertNull(second.user());
        assertNull(second.keyRef());
        assertArrayEquals(new byte[32], first.prevHash());
        assertArrayEquals(first.hash(), second.prevHash());
        assertArrayEquals(new AuditHashes.Hasher(AuditChainKey.of(key)).entryHash(first.hash(), "host:9998", 2,
                fixed.millis(), null, "login", null, "unauthorized", "10.0.0.2"), second.hash());
        assertEquals(2, log.written());
        assertEquals(0, log.dropped());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void restart_continuesTheNodesChainAfterItsStoredTail() {
        AuditLog first = startLog(store, "n1");
        record(first, 3, "alice");
        first.close();
        AuditLog second = startLog(openStore(5000), "n1");
        record(second, 2, "bob");
        second.close();
        List<AuditRecord> stored = entries("n1");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), stored.stream().map(AuditRecord::seq).toList());
        assertArrayEquals(stored.get(2).hash(), stored.get(3).prevHash());
        assertEquals("bob", stored.get(3).user());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void manyThreadsRecordingAtOnce_getEveryEntryStored_inOneValidChain() throws Exception {
        AuditLog log = startLog(store, "busy");
        int threads = 8;
        int each = 250;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String user = "user" + t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                record(log, each, user);
            });
            w.start();
            workers.add(w);
        }
        go.countDown();
        for (Thread w : workers) {
            w.join(20_000);
        }
        assertTrue(log.flush(LONG));
        assertEquals(threads * each, log.written());
        assertEquals(0, log.queued());
        List<AuditRecord> stored = entries("busy");
        assertEquals(threads * each, stored.size());
        for (int t = 0; t < threads; t++) {
            String user = "user" + t;
            assertEquals(each, stored.stream().filter(r -> user.equals(r.user())).count());
        }
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
        assertEquals(threads * each, r.entriesChecked());
    }

    @Test
    void twoNodesOnOneStore_keepTwoChains_andBothVerify() {
        AuditLog a = startLog(store, "node-a");
        AuditLog b = startLog(openStore(5000), "node-b");
        record(a, 120, "alice");
        record(b, 30, "bob");
        record(a, 5, "alice");
        a.close();
        b.close();
        assertEquals(125, entries("node-a").size());
        assertEquals(30, entries("node-b").size());
        assertEquals(1, entries("node-b").get(0).seq());
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
        assertEquals("audit log verified: 155 entries on 2 nodes", r.message());
    }

    @Test
    void twoProcessesUnderOneNodeName_rechainAfterEachOther_andTheChainStaysValid() throws Exception {
        AuditLog a = startLog(store, "shared");
        AuditLog b = startLog(openStore(5000), "shared");
        Thread other = new Thread(() -> record(b, 300, "bob"));
        other.start();
        record(a, 300, "alice");
        other.join(20_000);
        a.close();
        b.close();
        List<AuditRecord> stored = entries("shared");
        assertEquals(600, stored.size());
        assertEquals(600, a.written() + b.written());
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
    }

    @Test
    void checkpoints_everyHundredEntriesAndAtClose_areSignedByTheAuditKey() {
        AuditLog log = startLog(store, "n1");
        // a batch that reaches a multiple of 100 carries a checkpoint at its last entry: flushing at
        // 100 and 200 makes those the ends of batches
        record(log, 100, "alice");
        assertTrue(log.flush(LONG));
        record(log, 100, "alice");
        assertTrue(log.flush(LONG));
        record(log, 50, "alice");
        log.close();
        List<AuditCheckpoint> cps = store.checkpoints("n1");
        assertEquals(List.of(100L, 200L, 250L), cps.stream().map(AuditCheckpoint::seq).toList());
        Seal.Link prev = Seal.FIRST;
        for (AuditCheckpoint cp : cps) {
            assertArrayEquals(entry("n1", cp.seq()).hash(), cp.hash());
            Seal seal = Seal.open(key.publicKey(), "n1", cp);
            assertNotNull(seal, "signed by the audit key");
            assertNull(Seal.open(AuditKey.generate().publicKey(), "n1", cp));
            assertEquals(1, seal.keyedFrom());
            assertEquals(prev.seq(), seal.prevSeq(), "chained to the checkpoint before");
            assertArrayEquals(prev.digest(), seal.prevDigest());
            prev = Seal.linkTo(cp);
        }
    }

    @Test
    void checkpoints_byDefault_comeEvery1000Entries() {
        AuditLog log = started(new AuditLog(store, key, "n1", Clock.system()));
        record(log, 999, "alice");
        assertTrue(log.flush(LONG));
        assertEquals(List.of(), store.checkpoints("n1"));
        record(log, 1, "alice");
        assertTrue(log.flush(LONG));
        assertEquals(List.of(1000L), store.checkpoints("n1").stream().map(AuditCheckpoint::seq).toList());
    }

    @Test
    void aQuietTail_olderThanTheMaximumAge_isCheckpointedWithoutWaitingForMore() {
        ManualClock clock = new ManualClock();
        AuditLog log = started(new AuditLog(store, key, "n1", clock, AuditLog.DEFAULT_CAPACITY,
                Duration.ofSeconds(1), 1_000_000, Duration.ofMillis(50)));
        clock.advanceMillis(60);
        record(log, 3, "alice");
        assertTrue(log.flush(LONG));
        // the batch came after the maximum age: it carries one (on a busy machine the writer may take
        // the three in two batches; then the first carries it, and the quiet tail, once old, is signed)
        clock.advanceMillis(60);
        awaitLastCheckpoint(3);
        assertTrue(store.checkpoints("n1").size() <= 2);
        clock.advanceMillis(60);
        record(log, 2, "bob");
        assertTrue(log.flush(LONG));
        clock.advanceMillis(60);
        awaitLastCheckpoint(5);
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void aQuietTail_youngerThanTheMaximumAge_waitsForMore() {
        ManualClock clock = new ManualClock();
        AuditLog log = started(new AuditLog(store, key, "n1", clock, AuditLog.DEFAULT_CAPACITY,
                Duration.ofSeconds(1), 1_000_000, Duration.ofSeconds(60)));
        record(log, 3, "alice");
        assertTrue(log.flush(LONG));
        clock.advance(Duration.ofSeconds(59));
        record(log, 1, "alice");
        assertTrue(log.flush(LONG));
        assertEquals(List.of(), store.checkpoints("n1"), "no checkpoint before a minute has passed");
        clock.advance(Duration.ofSeconds(1));
        awaitLastCheckpoint(4);
    }

    /** Waits until n1's last checkpoint reaches {@code seq}; fails after 5 s. */
    private void awaitLastCheckpoint(long seq) {
        Poll.until("a checkpoint at seq " + seq, Duration.ofSeconds(5), () -> {
            List<AuditCheckpoint> cps = store.checkpoints("n1");
            return !cps.isEmpty() && cps.get(cps.size() - 1).seq() >= seq;
        });
    }

    @Test
    void checkpoints_comeAtLeastOncePer100Entries_andAtMostOncePerBatch() {
        AuditLog log = startLog(store, "n1");
        for (int i = 0; i < 10; i++) {
            record(log, 97, "alice");
            assertTrue(log.flush(LONG));
        }
        log.close();
        List<Long> seqs = store.checkpoints("n1").stream().map(AuditCheckpoint::seq).toList();
        // batches end at 97, 194, ..., 970: each one that passes a multiple of 100 is checkpointed
        assertEquals(List.of(194L, 291L, 388L, 485L, 582L, 679L, 776L, 873L, 970L), seqs);
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void flush_returnsOnceEntriesAreStored_andCloseStoresTheRest() {
        AuditLog log = startLog(store, "n1");
        record(log, 10, "alice");
        assertTrue(log.flush(LONG));
        Store elsewhere = openStore(5000);
        assertEquals(10, entries(elsewhere, "n1").size());
        record(log, 7, "bob");
        log.close();
        assertEquals(17, entries(elsewhere, "n1").size());
        assertEquals(17, elsewhere.lastAudit("n1").orElseThrow().seq());
        assertEquals(0, log.queued());
    }

    @Test
    void recordAfterClose_isCountedAsDropped_andStartAfterCloseIsRefused() {
        AuditLog log = startLog(store, "n1");
        log.close();
        log.record("alice", "encrypt", "k1", "ok", "10.0.0.1");
        assertEquals(1, log.dropped());
        assertThrows(IllegalStateException.class, log::start);
        assertEquals(List.of(), store.auditNodes());
    }

    @Test
    void badNodeNames_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuditLog(store, key, "", Clock.system()));
        assertThrows(IllegalArgumentException.class, () -> new AuditLog(store, key, "a\nb", Clock.system()));
        assertThrows(IllegalArgumentException.class, () -> new AuditLog(store, key, "x".repeat(256), Clock.system()));
    }

    @Test
    void fieldsNoDatabaseWouldKeep_areCleaned_andTheChainStillVerifies() {
        AuditLog log = startLog(store, "n1");
        log.record("", "", "k\u0000" + "y".repeat(1000), null, "\ud800x");
        log.close();
        AuditRecord r = entry("n1", 1);
        assertNull(r.user());
        assertEquals("-", r.operation());
        assertEquals("-", r.outcome());
        assertEquals("k?" + "y".repeat(253), r.keyRef());
        assertEquals("?x", r.remote());
        assertTrue(verify().ok(), verify().message());
    }

    @Test
    void clean_keepsSurrogatePairs_andNeverCutsOneInHalf() {
        String pair = "\ud83d\ude00";
        assertEquals("a" + pair, Entry.clean("a" + pair));
        assertEquals("x".repeat(254), Entry.clean("x".repeat(254) + pair));
        assertEquals("?" + pair + "?", Entry.clean("\ude00" + pair + "\ud83d"));
        assertNull(Entry.clean(""));
    }
}
