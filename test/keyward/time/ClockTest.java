package keyward.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import keyward.ManualClock;
import org.junit.jupiter.api.Test;

/** The one source of time: the system clock's readings agree, its ticker never runs back; tests move a manual one. */
class ClockTest {

    @Test
    void system_isOneClock_whoseNowAndMillisAgreeWithTheProcessClock() {
        Clock c = Clock.system();
        assertSame(c, Clock.system());
        for (int i = 0; i < 1000; i++) {
            long before = System.currentTimeMillis();
            Instant now = c.now();
            long millis = c.millis();
            long after = System.currentTimeMillis();
            assertTrue(before <= now.toEpochMilli() && now.toEpochMilli() <= millis && millis <= after,
                    before + " <= " + now + " <= " + millis + " <= " + after);
        }
    }

    @Test
    void system_nanos_neverRunBack_andFollowSystemNanoTime() {
        Clock c = Clock.system();
        long first = c.nanos();
        long previous = first;
        for (int i = 0; i < 100_000; i++) {
            long n = c.nanos();
            assertTrue(n - previous >= 0, "the ticker ran back by " + (previous - n) + " ns");
            previous = n;
        }
        assertTrue(System.nanoTime() - previous >= 0, "nanos() is on System.nanoTime's scale");
        assertTrue(previous - first < Duration.ofMinutes(1).toNanos());
    }

    @Test
    void everyClock_isUtcOnly() {
        for (Clock c : new Clock[] {Clock.system(), new ManualClock()}) {
            assertEquals(ZoneOffset.UTC, c.getZone());
            assertSame(c, c.withZone(ZoneOffset.UTC));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> c.withZone(ZoneId.of("Europe/Paris")));
            assertEquals("Keyward's clock is UTC only, not Europe/Paris", e.getMessage());
        }
    }

    @Test
    void manualClock_standsStill_untilAdvanced_thenMovesWallAndTickerTogether() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ManualClock c = new ManualClock(start, -5_000L);
        assertEquals(start, c.now());
        assertEquals(start.toEpochMilli(), c.millis());
        assertEquals(-5_000L, c.nanos(), "the ticker may start negative, as System.nanoTime may");
        assertEquals(start, c.now(), "no time passes by itself");

        assertSame(c, c.advance(Duration.ofSeconds(90)).advanceMillis(250));
        assertEquals(start.plusSeconds(90).plusMillis(250), c.now());
        assertEquals(-5_000L + 90_250_000_000L, c.nanos());
    }

    @Test
    void manualClock_neverMovesBack() {
        ManualClock c = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        long nanos = c.nanos();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.advanceMillis(-1));
        assertEquals("a clock only moves forward: PT-0.001S", e.getMessage());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), c.now());
        assertEquals(nanos, c.nanos());
        c.advance(Duration.ZERO);
        assertEquals(nanos, c.nanos());
    }
}
