package keyward.ops;

import java.util.function.Consumer;

/**
 * Progress lines for long copies: each section's total, and in between at most one line per
 * second, so that a large deployment shows it is moving without flooding the terminal. Used by one
 * thread at a time.
 */
final class Progress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final String verb;
    private final Consumer<String> out;
    private long last = System.nanoTime();

    Progress(String verb, Consumer<String> out) {
        this.verb = verb;
        this.out = out;
    }

    /** Says nothing: for verification passes. */
    static Progress quiet() {
        return new Progress("", line -> { });
    }

    /** {@code what} is singular ("key"), as in {@link Counts#of}. */
    void step(String what, long n) {
        long now = System.nanoTime();
        if (now - last >= INTERVAL_NANOS) {
            last = now;
            out.accept(verb + ": " + Counts.of(n, what) + " so far");
        }
    }

    void done(String what, long n) {
        say(Counts.of(n, what));
    }

    void say(String line) {
        last = System.nanoTime();
        out.accept(verb + ": " + line);
    }
}
