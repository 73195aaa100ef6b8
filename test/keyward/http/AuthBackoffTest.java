package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import keyward.ManualClock;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** The per-address backoff after failed authentication: its rules on a fake clock, then on a real server. */
class AuthBackoffTest {
    private static final long MS = 1_000_000L;

    private final ManualClock now = new ManualClock();

    /** 3 failures in 1 s block for 100 ms, doubling up to 1 s; at most 4 addresses. */
    private AuthBackoff small() {
        return small(now);
    }

    private static AuthBackoff small(ManualClock clock) {
        return new AuthBackoff(3, 1000, 100, 1000, 4, clock);
    }

    private void advance(long millis) {
        now.advanceMillis(millis);
    }

    @Test
    void failuresBelowTheThreshold_neverBlock() {
        AuthBackoff b = small();
        assertEquals(0, b.failure("a"));
        assertEquals(0, b.failure("a"));
        assertEquals(0, b.blockedMillis("a"));
    }

    @Test
    void theThresholdWithinTheWindow_blocksThatAddressOnly() {
        AuthBackoff b = small();
        b.failure("a");
        b.failure("a");
        assertEquals(100, b.failure("a"));
        assertEquals(100, b.blockedMillis("a"));
        assertEquals(0, b.blockedMillis("b"));
        advance(60);
        assertEquals(40, b.blockedMillis("a"));
        advance(40);
        assertEquals(0, b.blockedMillis("a"));
    }

    @Test
    void failuresSpreadWiderThanTheWindow_neverBlock() {
        AuthBackoff b = small();
        for (int i = 0; i < 20; i++) {
            assertEquals(0, b.failure("a"), "failure " + i);
            advance(600);
        }
    }

    @Test
    void repeatedBlocks_doubleUpToTheCap() {
        AuthBackoff b = small();
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (long block : expected) {
            b.failure("a");
            b.failure("a");
            assertEquals(block, b.failure("a"));
            advance(block);
            assertEquals(0, b.blockedMillis("a"));
        }
    }

    @Test
    void failuresWhileBlocked_doNotExtendTheBlock() {
        AuthBackoff b = small();
        for (int i = 0; i < 3; i++) {
            b.failure("a");
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(0, b.failure("a"));
        }
        advance(100);
        assertEquals(0, b.blockedMillis("a"));
    }

    @Test
    void aQuietAddress_isForgivenItsEarlierBlocks() {
        AuthBackoff b = small();
        for (int round = 0; round < 3; round++) {
            b.failure("a");
            b.failure("a");
            b.failure("a");
            advance(1000);
        }
        advance(2001);
        b.failure("a");
        b.failure("a");
        assertEquals(100, b.failure("a"));
    }

    @Test
    void theTable_staysBounded_evictingTheAddressSeenLeastRecently() {
        AuthBackoff b = small();
        for (int i = 0; i < 3; i++) {
            b.failure("victim");
        }
        for (int i = 0; i < 1000; i++) {
            b.failure("10.0." + i / 256 + "." + i % 256);
            assertTrue(b.size() <= 4);
        }
        assertEquals(0, b.blockedMillis("victim"));
    }

    @Test
    void aNegativeMonotonicClock_isHandled() {
        AuthBackoff b = small(new ManualClock(Instant.now(), -5_000 * MS));
        assertEquals(0, b.blockedMillis("a"));
        b.failure("a");
        assertEquals(0, b.blockedMillis("a"));
        b.failure("a");
        assertEquals(100, b.failure("a"));
    }

    @Test
    void aBlockedAddress_mayLookUpOneCredentialPerTenthOfASecond() {
        AuthBackoff b = new AuthBackoff(3, 1000, 1000, 1000, 4, now);
        assertTrue(b.mayLookUp("a"), "not blocked: every lookup is allowed");
        assertTrue(b.mayLookUp("a"));
        for (int i = 0; i < 3; i++) {
            b.failure("a");
        }
        assertTrue(b.mayLookUp("a"), "the first lookup of a block");
        assertEquals(false, b.mayLookUp("a"), "the budget is spent");
        assertTrue(b.mayLookUp("b"), "another address has its own");
        advance(99);
        assertEquals(false, b.mayLookUp("a"));
        advance(1);
        assertTrue(b.blockedMillis("a") > 0);
        assertTrue(b.mayLookUp("a"), "one more after 100 ms, still blocked");
        assertEquals(false, b.mayLookUp("a"));
    }

    @Test
    void nonsenseLimits_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuthBackoff(0, 1000, 100, 1000, 4, now));
        assertThrows(IllegalArgumentException.class, () -> new AuthBackoff(3, 1000, 100, 10, 4, now));
    }

    @Test
    void aServer_answers429ToTheFailingAddressOnly_thenRecovers() throws Exception {
        int threshold = AuthBackoff.defaults(now).maxFailures();
        try (TestNode node = TestNode.start(now)) {
            int port = node.node.port();
            String good = "Bearer " + node.adminToken;
            String attacker = AccessWire.freshAddress();
            String neighbour = AccessWire.freshAddress();

            for (int i = 0; i < 3 * threshold; i++) {
                assertEquals(401, AccessWire.send(attacker, port, "GET", "/v1/whoami", null, null).status(),
                        "requests without credentials guess nothing and are not counted");
            }
            for (int i = 0; i < threshold; i++) {
                assertEquals(401, AccessWire.send(attacker, port, "GET", "/v1/whoami", "Bearer kw_wrong" + i, null)
                        .status());
            }
            AccessWire.Res blocked = AccessWire.send(attacker, port, "GET", "/v1/whoami", "Bearer kw_wrong", null);
            assertEquals(429, blocked.status(), "a bad token from a blocked address: " + blocked);
            assertEquals("too_many_requests", blocked.errorCode());
            assertTrue(Long.parseLong(blocked.header("retry-after")) >= 1);
            assertEquals(200, AccessWire.send(attacker, port, "GET", "/health", null, null).status());
            assertEquals(200, AccessWire.send(neighbour, port, "GET", "/v1/whoami", good, null).status(),
                    "another address is never affected");

            assertEquals(429, AccessWire.send(attacker, port, "GET", "/v1/whoami", "Bearer kw_wrong2", null)
                    .status(), "its lookup budget is spent: refused without a lookup");

            now.advance(Duration.ofSeconds(1));
            assertEquals(401, AccessWire.send(attacker, port, "GET", "/v1/whoami", "Bearer kw_wrong3", null).status(),
                    "the first block is short");
        }
    }
}
