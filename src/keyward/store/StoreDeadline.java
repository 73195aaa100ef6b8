package keyward.store;

import java.util.concurrent.TimeUnit;

/**
 * One deadline for all the database work of one request. The front end opens a scope when a
 * request's work begins ({@link #begin()}); every store call made on that thread inside it must
 * end within {@code db_timeout_ms} of that moment, however many round trips, pool waits and
 * reconnections the request needs. Outside a scope (background jobs, the audit writer, commands)
 * each store call has its own {@code db_timeout_ms}.
 *
 * <p>A store that finds the request's time spent raises {@link StoreUnavailableException} (503),
 * so a request never succeeds after its deadline. Thread-confined; a scope opened inside another
 * keeps the outer one's start.
 */
public final class StoreDeadline {
    private static final ThreadLocal<long[]> START = new ThreadLocal<>();
    private static final Scope NESTED = () -> { };

    /** Ends the request's scope; closing twice is harmless. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private StoreDeadline() {
    }

    /** Starts the request's clock now (unless a scope is already open on this thread). */
    public static Scope begin() {
        if (START.get() != null) {
            return NESTED;
        }
        START.set(new long[] {System.nanoTime()});
        return START::remove;
    }

    /**
     * The {@link System#nanoTime()} by which store work begun now must end under
     * {@code timeoutMs}: the request's start plus {@code timeoutMs} inside a scope, else now plus
     * {@code timeoutMs}.
     */
    public static long deadline(int timeoutMs) {
        long budget = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long[] start = START.get();
        long now = System.nanoTime();
        return start == null ? now + budget : Math.min(now + budget, start[0] + budget);
    }

    /** True inside a request's scope. */
    public static boolean inRequest() {
        return START.get() != null;
    }
}
