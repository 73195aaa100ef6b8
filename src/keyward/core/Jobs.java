package keyward.core;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import keyward.log.Log;
import keyward.store.ConflictException;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.StoreException;

/**
 * Periodic work: scheduled destruction and auto-rotation. Every instance runs it; each change is a
 * compare-and-set on the key's row version, so when several instances find the same due key exactly
 * one write wins and the others re-read and see nothing left to do: once per deployment.
 */
public final class Jobs implements AutoCloseable {
    private static final int BATCH = 100;

    private final KeyAccess access;
    private final KeyService keys;
    private final KekHolder kek;
    private volatile boolean storeDown;
    private volatile java.util.function.Function<String, java.time.Duration> rotationDelay = id -> java.time.Duration.ZERO;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyward-jobs");
        t.setDaemon(true);
        return t;
    });

    Jobs(KeyAccess access, KeyService keys, KekHolder kek) {
        this.access = access;
        this.keys = keys;
        this.kek = kek;
    }

    /**
     * How long after a key falls due for auto-rotation this instance waits before rotating it
     * (default: not at all). Replication sets it so that one node of the domain rotates per period
     * and the others, hearing of that rotation first, have nothing left to do.
     */
    public void rotationDelay(java.util.function.Function<String, java.time.Duration> delay) {
        this.rotationDelay = delay;
    }

    public void start(long intervalMillis) {
        timer.scheduleWithFixedDelay(this::runSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            runOnce();
            if (storeDown) {
                storeDown = false;
                Log.info("jobs: store reachable again");
            }
        } catch (StoreException e) {
            if (!storeDown) {  // once per outage, not once per tick
                storeDown = true;
                Log.warn("jobs: store unavailable, will retry: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            Log.error("jobs: unexpected failure", e);
        }
    }

    /** One pass over due destructions and rotations; returns how many keys it changed. */
    public int runOnce() {
        watchKek();
        Instant now = access.now();
        int changed = 0;
        for (String id : access.store.dueForDestruction(now, BATCH)) {
            KeyRecord k = access.cache.fresh(id).orElse(null);
            if (k != null && k.state() == KeyState.PENDING_DESTRUCTION && k.destroyAt() != null
                    && !k.destroyAt().isAfter(now) && write(keys.destroyNow(k, now))) {
                access.cache.forget(id);
                Log.info("jobs: destroyed key " + id);
                changed++;
            }
        }
        for (String id : access.store.dueForRotation(now, BATCH)) {
            KeyRecord k = access.cache.fresh(id).orElse(null);
            if (k != null && k.state() == KeyState.ACTIVE && k.autoRotatePeriod() > 0
                    && !k.rotatedAt().plusSeconds(k.autoRotatePeriod()).plus(rotationDelay.apply(id)).isAfter(now)) {
                try {
                    if (write(keys.withNewVersion(k, now))) {
                        Log.info("jobs: auto-rotated key " + id);
                        changed++;
                    }
                } catch (KwException e) {
                    Log.warn("jobs: key " + id + " cannot auto-rotate: " + e.getMessage());
                }
            }
        }
        return changed;
    }

    /** Switches to a new primary KEK as soon as a running rotation announces it (KekRotation.PRIMARY). */
    private void watchKek() {
        byte[] announced = access.store.getMeta(KekRotation.PRIMARY).orElse(null);
        if (announced != null && !new String(announced, java.nio.charset.StandardCharsets.UTF_8)
                .equals(kek.get().primary().id()) && kek.refresh()) {
            Log.info("jobs: KEK ring reloaded; primary KEK is now " + kek.get().primary().id());
        }
    }

    private boolean write(KeyRecord next) {
        try {
            access.cache.put(access.store.updateKey(next));
            return true;
        } catch (ConflictException e) {
            return false;  // another instance did it first
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
