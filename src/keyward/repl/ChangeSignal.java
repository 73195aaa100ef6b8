package keyward.repl;

/**
 * Wakes suppliers' long-polls when this node's changelog grows: a counter bumped after every
 * committed local write and every applied batch. A waiter reads the counter before it looks at
 * the changelog, so a commit between the look and the wait is never missed. Thread-safe.
 */
final class ChangeSignal {

    private long seq;

    /** Called after a commit that added changes. */
    synchronized void changed() {
        seq++;
        notifyAll();
    }

    synchronized long seq() {
        return seq;
    }

    /** Waits until the counter moves past {@code seen} or {@code ms} pass; returns the counter. */
    synchronized long awaitAfter(long seen, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (seq == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return seq;
    }
}
