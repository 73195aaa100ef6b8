package keyward.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The backend hooks and record builders of the storage conformance suite. The suite is a chain of
 * abstract classes (fixture, keys, locate, accounts, audit, then {@link StoreConformanceTest}) only
 * to keep each file small; a backend extends {@link StoreConformanceTest} and gets every test.
 * Nothing here knows SQL or Redis.
 */
public abstract class StoreFixture {

    /** A fixed, millisecond-precise time: stores keep milliseconds. */
    protected static final Instant T0 = Instant.parse("2026-03-04T05:06:07.089Z");

    private final List<Store> opened = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    protected Store store;

    /** A fresh, empty store for one test, already {@link Store#open()}ed. */
    protected abstract Store newStore();

    /** Removes what {@link #newStore()} made, after the test's stores are closed. */
    protected void dropStore() {
    }

    /**
     * A second store over the same data as the last {@link #newStore()}, already opened, as another
     * instance or a restarted process would see it. Every backend can, so every backend must.
     */
    protected abstract Store openSameStore();

    /**
     * Called on every store the suite opens ({@link #newStore()}, {@link #openSameStore()}) before
     * the test uses it: a variant of the suite sets the store up here (change capture on).
     */
    protected void prepare(Store s) {
    }

    @BeforeEach
    final void createStore() {
        store = track(newStore());
        prepare(store);
    }

    @AfterEach
    final void closeStores() {
        for (Store s : opened) {
            s.close();
        }
        opened.clear();
        dropStore();
    }

    /** Closes {@code s} after the test. */
    protected final Store track(Store s) {
        opened.add(s);
        return s;
    }

    protected final Store sameStore() {
        Store s = track(openSameStore());
        prepare(s);
        return s;
    }

    // ---- builders ----

    protected static String newId() {
        return UUID.randomUUID().toString();
    }

    protected static Instant at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0);
    }

    /** Distinct bytes per call, so mixed-up material shows. */
    protected final byte[] bytes(int length) {
        byte[] b = new byte[length];
        int seed = counter.incrementAndGet();
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    protected final KeyVersion version(int number, String kek) {
        return new KeyVersion(number, 0x7000_0000 + number * 977 + counter.incrementAndGet(), kek, bytes(60), null,
                at(number * 60L));
    }

    /** An active AES key with one version, no name, tags or grants. */
    protected final KeyRecord.Builder key(String id) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = id;
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = "alice";
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = T0;
        b.updatedAt = T0;
        b.rotatedAt = T0;
        b.versions = List.of(version(1, "kek-1"));
        b.rowVersion = 1;
        return b;
    }

    /** A key with every field set: three versions (one destroyed, one with a public key), tags, attributes, grants. */
    protected final KeyRecord fullKey(String id, String name) {
        KeyRecord.Builder b = key(id);
        b.name = name;
        b.algorithm = "ec-p256";
        b.state = KeyState.PENDING_DESTRUCTION;
        b.stateBeforeDestroy = KeyState.DEACTIVATED;
        b.tags = List.of("zeta", "pci", "alpha");
        b.attributes = Map.of("team", "billing", "cost-center", "42", "note", "ünïcødé ✓");
        b.exportable = true;
        b.primaryVersion = 3;
        b.minDecryptionVersion = 2;
        b.autoRotatePeriod = 86_400;
        b.updatedAt = at(3600);
        b.rotatedAt = at(1800);
        b.destroyAt = at(7 * 86_400);
        b.versions = List.of(version(1, "kek-1").withoutMaterial(),
                new KeyVersion(2, -5, "kek-2", bytes(121), bytes(91), at(900)),
                new KeyVersion(3, 123_456, "kek-2", bytes(121), bytes(91), at(1800)));
        b.grants = Map.of("bob", Set.of(Permission.ENCRYPT, Permission.DECRYPT), "*", Set.of(Permission.GET), "carol", Set.of());
        b.rowVersion = 7;
        return b.build();
    }

    protected static KeyRecord.Builder named(KeyRecord.Builder b, String name) {
        b.name = name;
        return b;
    }

    /** {@code k} under another name, same row version: ready for {@link Store#updateKey}. */
    protected static KeyRecord renamed(KeyRecord k, String name) {
        return named(k.toBuilder(), name).build();
    }

    protected final KeyRecord insert(KeyRecord.Builder b) {
        KeyRecord k = b.build();
        store.insertKey(k);
        return k;
    }

    protected final AuditRecord audit(String node, long seq, String user, String keyRef) {
        byte[] prev = seq == 1 ? null : HexFormat.of().parseHex("%064x".formatted(seq - 1));
        return new AuditRecord(0, node, seq, at(seq), user, "encrypt", keyRef, "ok", "127.0.0.1", prev,
                HexFormat.of().parseHex("%064x".formatted(seq)));
    }

    protected final TokenRecord token(String id, String user, Instant expires) {
        return new TokenRecord(id, user, bytes(32), T0, expires);
    }
}
