package keyward.core;

import java.util.function.Supplier;
import keyward.crypto.KekRing;

/**
 * The KEK ring in use, which can change while the server runs: during an online KEK rotation
 * ({@code keyward rotate-kek}) every instance must start wrapping under the new KEK and still read
 * rows wrapped under the old one. {@link #refresh()} reloads the ring from its source (the key files
 * of the data dir), at most once a second. Thread-safe.
 */
public final class KekHolder {
    private static final long MIN_RELOAD_NANOS = 1_000_000_000L;

    private final Supplier<KekRing> source;
    private volatile KekRing ring;
    private volatile long lastReload = System.nanoTime() - MIN_RELOAD_NANOS;

    public KekHolder(KekRing initial, Supplier<KekRing> source) {
        this.ring = initial;
        this.source = source;
    }

    /** A holder that never changes (tests, offline commands). */
    public static KekHolder fixed(KekRing ring) {
        return new KekHolder(ring, () -> ring);
    }

    public KekRing get() {
        return ring;
    }

    /** Reloads from the source unless that happened less than a second ago; true if the ring changed. */
    public synchronized boolean refresh() {
        long now = System.nanoTime();
        if (now - lastReload < MIN_RELOAD_NANOS) {
            return false;
        }
        lastReload = now;
        KekRing next = source.get();
        boolean changed = !next.primary().id().equals(ring.primary().id()) || next.all().size() != ring.all().size();
        ring = next;
        return changed;
    }
}
