package keyward.core;

import keyward.crypto.KekRing;
import keyward.crypto.Pepper;
import keyward.store.Store;
import keyward.time.Clock;

/**
 * The core object graph, wired by hand: key lifecycle, cryptographic operations, users, jobs.
 * Built once per process by Main (and by tests) over an opened store.
 */
public final class Core {
    private final KeyService keys;
    private final CryptoService crypto;
    private final RawCrypto raw;
    private final UserService users;
    private final Jobs jobs;
    private final WrappingKey wrappingKey;
    private final Settings settings;
    private final Clock clock;

    public Core(Store store, KekRing kek, Pepper pepper, Settings settings, Clock clock) {
        this(store, KekHolder.fixed(kek), pepper, settings, clock);
    }

    /** With a KEK ring that can change at run time (online KEK rotation). */
    public Core(Store store, KekHolder kek, Pepper pepper, Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        KeyAccess access = new KeyAccess(store, kek, new KeyCache(store, settings.cacheTtlMillis(), clock), clock);
        this.wrappingKey = new WrappingKey(store, kek);
        this.keys = new KeyService(access, settings, wrappingKey);
        this.crypto = new CryptoService(access);
        this.raw = new RawCrypto(access, keys);
        this.users = new UserService(store, pepper, clock, settings.cacheTtlMillis());
        this.jobs = new Jobs(access, keys, kek);
    }

    public KeyService keys() {
        return keys;
    }

    public CryptoService crypto() {
        return crypto;
    }

    /** Raw cipher modes, key wrapping and derivation, for protocols that ask for them (KMIP). */
    public RawCrypto raw() {
        return raw;
    }

    public UserService users() {
        return users;
    }

    public Jobs jobs() {
        return jobs;
    }

    public Settings settings() {
        return settings;
    }

    /** The clock every part of this core reads; the HTTP layer's backoff reads it too. */
    public Clock clock() {
        return clock;
    }

    /** PEM of the deployment's BYOK wrapping key (made on first use). */
    public String wrappingKeyPem() {
        return wrappingKey.publicPem();
    }
}
