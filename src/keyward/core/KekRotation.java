package keyward.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.KekRing;
import keyward.crypto.Secret;
import keyward.store.ConflictException;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Store;

/**
 * Re-wraps every piece of key material under a new primary KEK, online and resumably: each key is
 * a compare-and-set write (a concurrent change just makes it re-read), rows already under the new
 * KEK are skipped, so a run interrupted anywhere can simply be started again. Keys are read a page
 * at a time and each page's re-wrapped keys written in one bulk call ({@link Store#updateKeys}), so
 * memory holds one page whatever the number of keys.
 */
public final class KekRotation {
    /** Metadata entry naming the KEK id every instance must wrap under; running instances watch it. */
    public static final String PRIMARY = "kek.primary";
    private static final int PAGE = Store.MAX_BULK_KEYS;

    private KekRotation() {
    }

    /** How much one pass changed. */
    public record Result(long keys, long versions) {
    }

    /** Announces the new primary so running instances reload their key files and wrap under it. */
    public static void announce(Store store, String kekId) {
        store.putMeta(PRIMARY, kekId.getBytes(StandardCharsets.UTF_8));
    }

    /** One pass over every key (and the BYOK wrapping key), re-wrapping what is not under the ring's primary. */
    public static Result rewrapAll(Store store, KekRing ring, Consumer<String> progress) {
        String target = ring.primary().id();
        long keys = 0;
        long versions = 0;
        long seen = 0;
        String after = null;
        do {
            KeyPage page = store.locate(KeyQuery.all(PAGE, after));
            List<KeyRecord> rewrapped = new ArrayList<>();
            Map<String, Integer> changed = new HashMap<>();
            for (KeyRecord k : page.keys()) {
                KeyRecord r = rewrapped(ring, k, target);
                if (r != null) {
                    rewrapped.add(r);
                    changed.put(k.id(), count(k, target));
                }
            }
            Set<String> stale = new HashSet<>(store.rewrapKeys(rewrapped));
            for (KeyRecord k : rewrapped) {
                int n = stale.contains(k.id()) ? store.findKey(k.id()).map(again -> rewrapKey(store, ring, again, target))
                        .orElse(0) : changed.get(k.id());
                if (n > 0) {
                    keys++;
                    versions += n;
                }
            }
            seen += page.keys().size();
            after = page.next();
            progress.accept("rotate-kek: " + seen + " keys checked, " + keys + " re-wrapped (" + versions + " versions)");
        } while (after != null);
        WrappingKey.rewrap(store, ring);
        return new Result(keys, versions);
    }

    /** Versions of {@code k} that need re-wrapping: not destroyed and not under {@code target}. */
    private static int count(KeyRecord k, String target) {
        return (int) k.versions().stream().filter(v -> !v.destroyed() && !v.kekId().equals(target)).count();
    }

    /** {@code k} with every version under {@code target}, at the row version it was read; null if nothing changes. */
    private static KeyRecord rewrapped(KekRing ring, KeyRecord k, String target) {
        if (count(k, target) == 0) {
            return null;
        }
        List<KeyVersion> out = new ArrayList<>();
        for (KeyVersion v : k.versions()) {
            if (v.destroyed() || v.kekId().equals(target)) {
                out.add(v);
                continue;
            }
            try (Secret s = ring.unwrap(v.kekId(), v.wrapped(), k.id(), v.kid(), KeyAccess.MATERIAL_PURPOSE)) {
                out.add(v.rewrapped(target, ring.primary().wrap(s.revealBytes(), k.id(), v.kid(),
                        KeyAccess.MATERIAL_PURPOSE)));
            } catch (DecryptionFailedException e) {
                throw new IllegalStateException("key " + k.id() + " version " + v.version()
                        + " does not open under any KEK of the ring", e);
            }
        }
        KeyRecord.Builder b = k.toBuilder();
        b.versions = out;
        return b.build();
    }

    /** One key alone, read again after each lost compare-and-set; returns how many versions it re-wrapped. */
    private static int rewrapKey(Store store, KekRing ring, KeyRecord k, String target) {
        for (int attempt = 0; attempt < 16; attempt++) {
            KeyRecord r = rewrapped(ring, k, target);
            if (r == null) {
                return 0;
            }
            try {
                store.updateKey(r);
                return count(k, target);
            } catch (ConflictException e) {
                k = store.findKey(k.id()).orElse(null);
                if (k == null) {
                    return 0;
                }
            }
        }
        throw new IllegalStateException("key " + k.id() + " kept changing during KEK rotation; run rotate-kek again");
    }

    /** Versions (not destroyed) still wrapped under {@code kekId}: zero once a rotation away from it is done. */
    public static long countUnder(Store store, String kekId) {
        return store.countVersionsUnder(kekId);
    }
}
