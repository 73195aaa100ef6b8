package keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoreDeadlineTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void outsideARequest_eachCallHasItsOwnTimeout() {
        assertFalse(StoreDeadline.inRequest());
        long before = System.nanoTime();
        long d = StoreDeadline.deadline(1000);
        assertTrue(d - before >= SECOND && d - System.nanoTime() <= SECOND, "now + 1 s");
    }

    @Test
    void insideARequest_everyCallEndsByTheRequestsStartPlusTheTimeout() {
        long before = System.nanoTime();
        StoreDeadline.Scope request = StoreDeadline.begin();
        long after = System.nanoTime();
        try {
            assertTrue(StoreDeadline.inRequest());
            long first = StoreDeadline.deadline(1000);
            long later = StoreDeadline.deadline(1000);
            assertEquals(first, later, "one deadline, however many calls ask");
            assertTrue(first - before >= SECOND && first - after <= SECOND, "the request's start + 1 s");
        } finally {
            request.close();
        }
        assertFalse(StoreDeadline.inRequest(), "closed with the request");
    }

    @Test
    void aScopeOpenedInsideAnother_keepsTheOuterStart_andLeavesItOpen() {
        StoreDeadline.Scope outer = StoreDeadline.begin();
        try {
            long d = StoreDeadline.deadline(1000);
            StoreDeadline.Scope inner = StoreDeadline.begin();
            assertEquals(d, StoreDeadline.deadline(1000));
            inner.close();
            assertTrue(StoreDeadline.inRequest(), "the inner close leaves the request's scope open");
            assertEquals(d, StoreDeadline.deadline(1000));
        } finally {
            outer.close();
        }
        assertFalse(StoreDeadline.inRequest());
    }

    @Test
    void aRequestsScope_belongsToItsThreadOnly() throws Exception {
        StoreDeadline.Scope request = StoreDeadline.begin();
        try {
            assertFalse(CompletableFuture.supplyAsync(StoreDeadline::inRequest).get(10, TimeUnit.SECONDS));
        } finally {
            request.close();
        }
    }
}
