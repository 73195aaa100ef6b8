package keyward.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one source of time: wall-clock instants (UTC) for what is stored and shown, and a monotonic
 * nanosecond ticker for ages, timeouts and backoffs. The server runs on {@link #system()}; tests
 * pass a clock they move, so nothing that measures time has to be waited out. It is a
 * {@link java.time.Clock}, so java.time APIs and code that takes one accept it as it is.
 *
 * <p>This package depends on nothing of Keyward's; every layer may import it. Implementations are
 * thread-safe.
 */
public abstract class Clock extends java.time.Clock {

    /** The system clock: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
    public static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** The current instant; the same as {@link #instant()}. */
    public final Instant now() {
        return instant();
    }

    /**
     * Monotonic time in nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: only
     * differences mean something, and they must be compared as {@code a - b < 0}, never
     * {@code a < b} (the value may be negative or wrap).
     */
    public abstract long nanos();

    /** Always UTC. */
    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Keyward keeps time in UTC: any other zone is refused (UnsupportedOperationException). */
    @Override
    public final java.time.Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("Keyward's clock is UTC only, not " + zone);
    }
}
