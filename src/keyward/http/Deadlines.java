package keyward.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code request_timeout_ms} for each exchange's I/O: reading the request (line, headers, body)
 * is one phase, writing the answer another, and each must end within the timeout.
 *
 * <p>How: {@code com.sun.net.httpserver} reads and writes a connection with blocking socket
 * channels on the worker that runs the exchange, and those channels are interruptible. A worker
 * whose phase outlives its deadline is interrupted, which closes the channel and so cuts the
 * stalled client off; the worker is free at once. Between the phases (authentication, the route,
 * audit) a worker is never interrupted. One timer thread per API checks every worker a few times
 * per timeout; the request path only writes a deadline (no thread, task or lock per request).
 *
 * <p>Thread-safety: a {@link Watch} is used by its own worker and by the timer only.
 */
final class Deadlines implements AutoCloseable {
    /** Watch states besides a deadline (System.nanoTime() values never land on these). */
    private static final long IDLE = Long.MIN_VALUE;
    private static final long FIRING = Long.MIN_VALUE + 1;
    private static final long FIRED = Long.MIN_VALUE + 2;

    private final long timeoutNanos;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watch> current = ThreadLocal.withInitial(() -> {
        Watch w = new Watch(Thread.currentThread());
        watches.add(w);
        return w;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyward-http-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** Checks about ten times per timeout (at least every 250 ms): a phase ends at most that late. */
    Deadlines(int timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long period = Math.max(10, Math.min(250, timeoutMillis / 10));
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** The workers, with the read phase of each exchange starting when a worker takes it up. */
    Executor guard(Executor workers) {
        return exchange -> workers.execute(() -> {
            Watch w = current.get();
            w.start();
            try {
                exchange.run();
            } finally {
                w.pause();
            }
        });
    }

    /** The calling worker's watch. */
    Watch watch() {
        return current.get();
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : watches) {
            if (!w.thread.isAlive()) {
                watches.remove(w);
                continue;
            }
            long d = w.state.get();
            if (d != IDLE && d != FIRING && d != FIRED && now - d >= 0 && w.state.compareAndSet(d, FIRING)) {
                w.expired = true;
                w.thread.interrupt();
                w.state.set(FIRED);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One worker's current phase: idle, or armed with a deadline, or cut off by the timer. */
    final class Watch {
        private final Thread thread;
        private final AtomicLong state = new AtomicLong(IDLE);
        /** Whether a phase of the current exchange was cut off; written by the timer before FIRED. */
        private volatile boolean expired;

        private Watch(Thread thread) {
            this.thread = thread;
        }

        /** A new exchange: its read phase begins. */
        private void start() {
            expired = false;
            arm();
        }

        /** Ends the phase under way, if any, and begins one whose deadline is the timeout from now. */
        void arm() {
            pause();
            long d = System.nanoTime() + timeoutNanos;
            state.set(d == IDLE || d == FIRING || d == FIRED ? d + 3 : d);
        }

        /**
         * Ends the phase. A cut-off's interrupt is spent here (it was meant for the I/O, which has
         * failed or was done by then), so the code after it runs uninterrupted.
         *
         * @return whether the phase had outlived its deadline
         */
        boolean pause() {
            long s = state.get();
            if (s == IDLE || (s != FIRING && s != FIRED && state.compareAndSet(s, IDLE))) {
                return false;
            }
            while (state.get() == FIRING) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            state.set(IDLE);
            return true;
        }

        /** Whether a phase of the current exchange was cut off. */
        boolean expired() {
            return expired;
        }
    }
}
