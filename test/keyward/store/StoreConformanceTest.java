package keyward.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The storage conformance suite: every {@link Store} method and guarantee, for every backend. A
 * backend test extends this class and implements {@link #newStore()} (and, where it can,
 * {@link #openSameStore()}); the tests are spread over the superclasses only to keep files small.
 */
public abstract class StoreConformanceTest extends AuditConformance {

    @Test
    void getMeta_unknownName_isEmpty() {
        assertEquals(Optional.empty(), store.getMeta("nothing"));
    }

    @Test
    void putMeta_storesAndOverwrites() {
        store.putMeta("salt", new byte[] {1, 2, 3});
        store.putMeta("salt", new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, store.getMeta("salt").orElseThrow());
    }

    @Test
    void putMetaIfAbsent_storesOnlyTheFirstValue() {
        assertTrue(store.putMetaIfAbsent("canary", new byte[] {1}));
        assertFalse(store.putMetaIfAbsent("canary", new byte[] {2}));
        assertArrayEquals(new byte[] {1}, store.getMeta("canary").orElseThrow());
    }

    @Test
    void putMetaIfAbsent_racingThreads_exactlyOneWins() throws Exception {
        List<Boolean> won = race(8, i -> store.putMetaIfAbsent("domain", new byte[] {(byte) i}));
        assertEquals(1, won.stream().filter(w -> w).count());
        int winner = won.indexOf(true);
        assertArrayEquals(new byte[] {(byte) winner}, store.getMeta("domain").orElseThrow());
    }

    @Test
    void claimLease_freeLease_isGranted_andRefusedToOthersUntilItExpires() {
        Duration minute = Duration.ofMinutes(1);
        assertTrue(store.claimLease("rotation", "node-a", at(0), minute));
        assertFalse(store.claimLease("rotation", "node-b", at(30), minute));
        assertFalse(store.claimLease("rotation", "node-b", at(60), minute), "still held at the instant it ends");
        assertTrue(store.claimLease("rotation", "node-b", at(61), minute), "taken over once expired");
        assertFalse(store.claimLease("rotation", "node-a", at(62), minute), "the old holder lost it");
        assertTrue(store.claimLease("other-job", "node-a", at(62), minute), "leases are independent");
    }

    @Test
    void claimLease_holder_canRenewBeforeExpiry_andExtendsIt() {
        Duration minute = Duration.ofMinutes(1);
        assertTrue(store.claimLease("rotation", "node-a", at(0), minute));
        assertTrue(store.claimLease("rotation", "node-a", at(50), minute));
        assertFalse(store.claimLease("rotation", "node-b", at(100), minute), "renewed until 110");
        assertTrue(store.claimLease("rotation", "node-a", at(100), minute));
    }

    @Test
    void claimLease_racingHolders_exactlyOneWins() throws Exception {
        List<Boolean> won = race(6, i -> store.claimLease("destroy", "node-" + i, at(0), Duration.ofMinutes(1)));
        assertEquals(1, won.stream().filter(w -> w).count());
    }

    @Test
    void secondStoreOnTheSameData_seesEverything_andReopeningIsIdempotent() {
        KeyRecord k = fullKey(newId(), "kept");
        store.insertKey(k);
        store.insertUser(new UserRecord("alice", true, T0));
        TokenRecord t = token("t1", "alice", null);
        store.insertToken(t);
        store.appendAudit(List.of(audit("n1", 1, "alice", k.id())));
        store.putMeta("canary", new byte[] {9});
        store.putCheckpoint(new AuditCheckpoint("n1", 1, bytes(32), bytes(64), T0));
        assertTrue(store.claimLease("job", "node-a", T0, Duration.ofHours(1)));
        store.open();

        Store other = sameStore();
        assertEquals(Optional.of(k), other.findKey(k.id()));
        assertEquals(Optional.of(t), other.findTokenByHash(t.hash()));
        assertEquals(List.of(audit("n1", 1, "alice", k.id())), other.listAudit(new AuditQuery(0, 10, null, null, null)));
        assertArrayEquals(new byte[] {9}, other.getMeta("canary").orElseThrow());
        assertEquals(1, other.checkpoints("n1").size());
        assertFalse(other.claimLease("job", "node-b", T0.plusSeconds(1), Duration.ofHours(1)));
        KeyRecord updated = other.updateKey(renamed(k, "moved"));
        assertEquals(Optional.of(updated), store.findKeyByName("moved"), "each sees the other's writes");
    }

    @Test
    void secondStore_updatingTheSameKeyConcurrently_losesNoUpdate() throws Exception {
        Store other = sameStore();
        KeyRecord.Builder b = key(newId());
        b.grants = Map.of();
        String id = insert(b).id();
        List<Boolean> done = race(2, i -> {
            Store s = i == 0 ? store : other;
            for (int n = 0; n < 10; ) {
                KeyRecord k = s.findKey(id).orElseThrow();
                KeyRecord.Builder next = k.toBuilder();
                next.grants = new java.util.HashMap<>(k.grants());
                next.grants.put("user-" + i + "-" + n, Set.of(Permission.GET));
                try {
                    s.updateKey(next.build());
                    n++;
                } catch (ConflictException e) {
                    // lost the race: read again
                }
            }
            return true;
        });
        assertEquals(List.of(true, true), done);
        assertEquals(20, store.findKey(id).orElseThrow().grants().size());
    }

    @Test
    void ping_openStore_isTrue_andClosedStore_isFalse() {
        assertTrue(store.ping());
        assertFalse(store.kind().isEmpty());
        store.close();
        assertFalse(store.ping());
    }

    /** Runs {@code task(i)} on {@code n} threads released together; returns the results in thread order. */
    protected static <T> List<T> race(int n, java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> call = () -> {
                    start.await();
                    return task.apply(index);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
