package keyward;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;

/**
 * Waits for something another thread makes true, instead of sleeping for a fixed time: checks
 * {@code condition} every few milliseconds and fails the test, naming {@code what}, if it is not
 * true by the deadline. The deadline is generous (a slow CI machine); a passing test returns as
 * soon as the condition holds.
 */
public final class Poll {
    private Poll() {
    }

    /** Returns as soon as {@code condition} holds; fails the test after {@code within}. */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        if (!within(within, condition)) {
            Assertions.fail("not within " + within.toMillis() + " ms: " + what);
        }
    }

    /** True as soon as {@code condition} holds, false if it still does not after {@code within}. */
    public static boolean within(Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(pause);  // a pause between checks, not a wait for time to pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Assertions.fail("interrupted while waiting");
            }
            pause = Math.min(pause * 2, 20);
        }
        return true;
    }

    /** {@link #until(String, Duration, BooleanSupplier)} with a 10 s deadline. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(10), condition);
    }
}
