package keyward.repl;

import java.time.Clock;
import java.util.Arrays;
import keyward.crypto.KekRing;
import keyward.store.Store;

/** The current {@link Identity}, reloaded when the stored one changes (a renewal by the CLI). Thread-safe. */
final class IdentityHolder {

    private final Store store;
    private final KekRing kek;
    private final Clock clock;
    private volatile Identity identity;
    private volatile byte[] loadedFrom;

    IdentityHolder(Store store, KekRing kek, Clock clock) {
        this.store = store;
        this.kek = kek;
        this.clock = clock;
        reload();
    }

    Identity get() {
        return identity;
    }

    /** Reloads if the stored identity differs from the one loaded. */
    synchronized void reload() {
        byte[] stored = store.getMeta(Identity.CURRENT).orElse(null);
        if (identity == null || stored == null || !Arrays.equals(stored, loadedFrom)) {
            identity = Identity.load(store, kek, clock);
            loadedFrom = store.getMeta(Identity.CURRENT).orElse(null);
        }
    }
}
