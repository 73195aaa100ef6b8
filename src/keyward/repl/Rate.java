package keyward.repl;

import java.util.Locale;
import java.util.function.Consumer;
import keyward.log.Log;

/**
 * Progress of a long copy in the log: the count so far and the rate, at most one line per
 * {@link #INTERVAL_NANOS}, so that a refresh or catch-up of a million objects shows it is moving
 * without flooding the log; and the total with its time and rate at the end. One thread at a time.
 */
final class Rate {

    static final long INTERVAL_NANOS = 5_000_000_000L;

    private final String what;
    private final String unit;
    private final Consumer<String> out;
    private final long started = System.nanoTime();
    private long last = started;
    private boolean told;

    /** {@code what} starts each line ("replication: refreshing from X"); {@code unit} is singular ("object"). */
    Rate(String what, String unit) {
        this(what, unit, Log::info);
    }

    Rate(String what, String unit, Consumer<String> out) {
        this.what = what;
        this.unit = unit;
        this.out = out;
    }

    /** Logs {@code n} so far if the last line is older than the interval. */
    void step(long n) {
        long now = System.nanoTime();
        if (now - last >= INTERVAL_NANOS) {
            last = now;
            told = true;
            out.accept(what + ": " + line(n, now) + " so far");
        }
    }

    /** True once a progress line was logged: the copy took longer than one interval. */
    boolean told() {
        return told;
    }

    /** The total, as "N units in S s (R/s)", for the caller's last line. */
    String done(long n) {
        return line(n, System.nanoTime());
    }

    private String line(long n, long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        return String.format(Locale.ROOT, "%,d %s%s in %.1f s (%,.0f/s)", n, unit, n == 1 ? "" : "s", seconds,
                n / seconds);
    }
}
