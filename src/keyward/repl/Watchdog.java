package keyward.repl;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection when its whole-exchange deadline passes. Socket timeouts bound each read;
 * this bounds a peer that keeps trickling bytes just fast enough to never trip them.
 */
final class Watchdog {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyward-repl-watchdog");
        t.setDaemon(true);
        return t;
    });

    private Watchdog() {
    }

    /** Closes {@code c} after {@code ms} unless the returned handle is cancelled first. */
    static ScheduledFuture<?> closeAfter(Closeable c, long ms) {
        return TIMER.schedule(() -> {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }, ms, TimeUnit.MILLISECONDS);
    }
}
