package keyward.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO between request threads and the one audit writer. It also counts every entry
 * ever accepted under the same lock as the insertion, so that "the first n accepted entries" is
 * exactly "the first n taken": {@link AuditLog#flush} relies on this. Thread-safe.
 */
final class EntryQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Entry> items = new ArrayDeque<>();
    private final int capacity;
    private long accepted;
    private boolean stopped;

    EntryQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("audit queue capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Adds {@code e}, waiting up to {@code waitNanos} for room; false if there was none. */
    boolean offer(Entry e, long waitNanos) throws InterruptedException {
        long left = waitNanos;
        lock.lockInterruptibly();
        try {
            while (items.size() >= capacity) {
                if (left <= 0) {
                    return false;
                }
                left = notFull.awaitNanos(left);
            }
            items.addLast(e);
            accepted++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code max} entries in order, waiting up to {@code waitNanos} for the first; empty if none came. */
    List<Entry> take(int max, long waitNanos) throws InterruptedException {
        long left = waitNanos;
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (left <= 0 || stopped) {
                    return List.of();
                }
                left = notEmpty.awaitNanos(left);
            }
            List<Entry> out = new ArrayList<>(Math.min(max, items.size()));
            while (out.size() < max && !items.isEmpty()) {
                out.add(items.pollFirst());
            }
            notFull.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns everything queued, without waiting (also from an interrupted thread). */
    List<Entry> drain() {
        lock.lock();
        try {
            List<Entry> out = new ArrayList<>(items);
            items.clear();
            notFull.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** From now on {@link #take} returns at once when empty (at shutdown), waking a waiting writer. */
    void stopWaiting() {
        lock.lock();
        try {
            stopped = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many entries were ever accepted. */
    long accepted() {
        lock.lock();
        try {
            return accepted;
        } finally {
            lock.unlock();
        }
    }
}
