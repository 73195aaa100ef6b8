package keyward;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import keyward.time.Clock;

/**
 * A clock that moves only when a test says so: {@link #advance} moves the wall clock and the
 * monotonic ticker together. It starts at the real current time (to the millisecond), so what a
 * node stores and what a test compares with {@code Instant.now()} stay close. Code that waits on
 * a real timer (a thread pool's schedule, a queue's poll) still waits in real time; this clock
 * only decides what those wake-ups find. Thread-safe.
 */
public final class ManualClock extends Clock {
    private Instant wall;
    private long nanos;

    /** At the real current time. */
    public ManualClock() {
        this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** At {@code start}. */
    public ManualClock(Instant start) {
        this(start, 1_000_000_000L);
    }

    /** At {@code start}, its ticker at {@code nanos} (which may be negative, as System.nanoTime may be). */
    public ManualClock(Instant start, long nanos) {
        this.wall = start;
        this.nanos = nanos;
    }

    /** Moves both the wall clock and the monotonic ticker forward by {@code d}. */
    public synchronized ManualClock advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward: " + d);
        }
        wall = wall.plus(d);
        nanos += d.toNanos();
        return this;
    }

    /** Moves both clocks forward by {@code ms} milliseconds. */
    public ManualClock advanceMillis(long ms) {
        return advance(Duration.ofMillis(ms));
    }

    @Override
    public synchronized Instant instant() {
        return wall;
    }

    @Override
    public synchronized long nanos() {
        return nanos;
    }
}
