package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbeTest {

    private static long first(long lo, long hi, long answer, AtomicInteger rounds) {
        return Probe.firstTrue(lo, hi, points -> {
            rounds.incrementAndGet();
            boolean[] r = new boolean[points.length];
            for (int i = 0; i < points.length; i++) {
                assertTrue(points[i] >= lo && points[i] < hi, "probe " + points[i] + " outside the range");
                r[i] = points[i] >= answer;
            }
            return r;
        });
    }

    @Test
    void firstTrue_findsTheBoundaryAnywhere_inFewRounds() {
        for (long answer : new long[] {0, 1, 2, 3, 17, 999, 1000, 123_456, 999_999, 1_000_000}) {
            AtomicInteger rounds = new AtomicInteger();
            assertEquals(answer, first(0, 1_000_000, answer, rounds), "answer " + answer);
            assertTrue(rounds.get() <= 7, rounds + " rounds for " + answer);
        }
    }

    @Test
    void firstTrue_emptyRange_isItsEnd() {
        assertEquals(5, first(5, 5, 0, new AtomicInteger()));
    }

    @Test
    void firstTrue_unboundedAbove_stillFindsASmallAnswerQuickly() {
        AtomicInteger rounds = new AtomicInteger();
        assertEquals(42, first(1, Long.MAX_VALUE, 42, rounds));
        assertTrue(rounds.get() <= 4, rounds.toString());
    }
}
