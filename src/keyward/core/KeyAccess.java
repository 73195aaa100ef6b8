package keyward.core;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;
import keyward.crypto.Algorithm;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.KeyMaterial;
import keyward.crypto.Secret;
import keyward.store.ConflictException;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.Store;

/**
 * Shared plumbing of the key services: finding a key the caller may use, unwrapping a version's
 * material through the KEK barrier, and read-modify-write with optimistic concurrency.
 */
final class KeyAccess {
    /** The purpose bound into the AAD of every wrapped key version. */
    static final String MATERIAL_PURPOSE = "key-material";
    private static final int MAX_ATTEMPTS = 40;

    final Store store;
    final KekHolder kek;
    final KeyCache cache;
    private final Clock clock;

    KeyAccess(Store store, KekHolder kek, KeyCache cache, Clock clock) {
        this.store = store;
        this.kek = kek;
        this.cache = cache;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The key by id or name, checked against the caller's rights for {@code operation}. */
    KeyRecord resolve(Principal p, String ref, Permission operation) {
        KeyRecord k = cache.find(ref).orElseThrow(() -> KwException.notFound("key '" + ref + "'"));
        Policy.check(p, k, operation, ref);
        return k;
    }

    static Algorithm algorithm(KeyRecord k) {
        return Algorithm.parse(k.algorithm()).orElseThrow(() -> new IllegalStateException("unknown algorithm"));
    }

    /** The unwrapped material of one version; a public-only key has a null secret. */
    KeyMaterial material(KeyRecord k, KeyVersion v) {
        if (v.destroyed()) {
            throw KwException.invalidState("key '" + k.id() + "' version " + v.version() + " is destroyed");
        }
        KeyMaterial m = cache.material(k.id(), v.kid(), v.kekId());
        if (m != null) {
            return m;
        }
        Secret s;
        try {
            if (kek.get().get(v.kekId()).isEmpty()) {
                kek.refresh();  // wrapped under a KEK this instance has not loaded yet (online rotation)
            }
            s = kek.get().unwrap(v.kekId(), v.wrapped(), k.id(), v.kid(), MATERIAL_PURPOSE);
        } catch (DecryptionFailedException e) {
            // The row was moved or edited in the database, or the KEK is wrong: never serve it.
            throw new IllegalStateException("key material of key " + k.id() + " version " + v.version()
                    + " does not open under the KEK", e);
        }
        m = new KeyMaterial(s.length() == 0 ? null : s, v.publicKey());
        cache.putMaterial(k.id(), v.kid(), v.kekId(), m);
        return m;
    }

    /** Random, growing pause between compare-and-set attempts, so contending writers spread out (max ~25 ms). */
    private static void backoff(int attempt) {
        int bound = Math.min(25, 1 + attempt * 2);
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KwException.conflict("interrupted while retrying a concurrent modification");
        }
    }

    /** Wraps fresh material for a new version (a public-only key wraps an empty secret). */
    byte[] wrap(String keyId, int kid, Secret secret) {
        byte[] plain = secret == null ? new byte[0] : secret.revealBytes();
        return kek.get().primary().wrap(plain, keyId, kid, MATERIAL_PURPOSE);
    }

    /**
     * Applies {@code change} to the current key and writes it with compare-and-set, retrying on a
     * concurrent modification. The change sees a fresh copy each attempt and may throw to refuse.
     */
    KeyRecord mutate(Principal p, String ref, Permission operation, UnaryOperator<KeyRecord> change) {
        return mutate(p, ref, k -> Policy.check(p, k, operation, ref), change);
    }

    /** As {@link #mutate(Principal, String, Permission, UnaryOperator)} with a custom rights check. */
    KeyRecord mutate(Principal p, String ref, java.util.function.Consumer<KeyRecord> check,
                     UnaryOperator<KeyRecord> change) {
        KeyRecord first = cache.find(ref).orElseThrow(() -> KwException.notFound("key '" + ref + "'"));
        check.accept(first);
        String id = first.id();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KeyRecord current = cache.fresh(id).orElseThrow(() -> KwException.notFound("key '" + ref + "'"));
            check.accept(current);
            KeyRecord next = change.apply(current);
            if (next == current) {
                return current;
            }
            try {
                KeyRecord stored = store.updateKey(next);
                cache.put(stored);
                return stored;
            } catch (ConflictException e) {
                if (e.kind() == ConflictException.Kind.NAME_TAKEN) {
                    throw KwException.conflict("key name '" + next.name() + "' is already taken");
                }
                backoff(attempt);
            }
        }
        throw KwException.conflict("key '" + ref + "' is being modified concurrently; retry");
    }
}
