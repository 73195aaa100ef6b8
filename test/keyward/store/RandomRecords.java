package keyward.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Random records for the round-trip tests of every codec and store: unicode names, tags,
 * attributes, several versions (some destroyed, some with a public key), grants (including "*"
 * and an empty one), nulls wherever the record allows them, and edge instants. Every value stays
 * within what every store holds (see store/sql/Limits), and names and ids are unique, so a batch
 * can go into one store. Instants are millisecond-precise, as the stores and the JSON documents
 * keep them; {@link #withNanos()} makes them nanosecond-precise for the binary codecs.
 * Deterministic for a seed; not thread-safe.
 */
public final class RandomRecords {
    private static final String[] ALGORITHMS = {"aes-256-gcm", "chacha20-poly1305", "hmac-sha256", "rsa-2048",
            "ec-p256", "ed25519", "secret"};
    /** Pieces of names: ASCII, Latin with accents, Cyrillic, CJK, an emoji (two UTF-16 units), a combining mark. */
    private static final String[] PIECES = {"pay", "ledger", "ünï", "ключ", "鍵", "🔑", "e\u0301", "x_y.z", "42"};
    private static final Instant[] EDGES = {Instant.EPOCH, Instant.ofEpochMilli(-1),
            Instant.parse("1900-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
            Instant.parse("2038-01-19T03:14:08Z")};

    private final Random random;
    private final boolean nanos;
    private int serial;

    private RandomRecords(Random random, boolean nanos) {
        this.random = random;
        this.nanos = nanos;
    }

    public RandomRecords(long seed) {
        this(new Random(seed), false);
    }

    /** The same stream of records with nanosecond-precise instants. */
    public RandomRecords withNanos() {
        return new RandomRecords(random, true);
    }

    public KeyRecord key() {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = id();
        b.name = maybe(this::unique);
        b.algorithm = ALGORITHMS[random.nextInt(ALGORITHMS.length)];
        b.state = pick(KeyState.values());
        b.stateBeforeDestroy = b.state == KeyState.PENDING_DESTRUCTION ? pick(KeyState.ACTIVE, KeyState.DEACTIVATED,
                KeyState.COMPROMISED) : null;
        b.owner = maybe(this::text);
        Set<String> tags = new LinkedHashSet<>();
        for (int n = random.nextInt(5); n > 0; n--) {
            tags.add(text());
        }
        b.tags = List.copyOf(tags);
        Map<String, String> attributes = new HashMap<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            attributes.put(text(), text() + " " + text());
        }
        b.attributes = attributes;
        b.exportable = random.nextBoolean();
        b.versions = versions(1 + random.nextInt(4));
        b.primaryVersion = b.versions.size();
        b.minDecryptionVersion = 1 + random.nextInt(b.primaryVersion);
        b.autoRotatePeriod = random.nextBoolean() ? 0 : 1 + random.nextLong(100L * 365 * 86_400);
        b.createdAt = maybe(this::instant);
        b.updatedAt = maybe(this::instant);
        b.rotatedAt = maybe(this::instant);
        b.destroyAt = b.state == KeyState.PENDING_DESTRUCTION ? instant() : null;
        b.grants = grants();
        b.rowVersion = 1 + random.nextInt(1_000_000);
        return b.build();
    }

    public UserRecord user() {
        return new UserRecord(unique(), random.nextBoolean(), instant());
    }

    public TokenRecord token(String user) {
        return new TokenRecord(id(), user, bytes(32), instant(), maybe(this::instant));
    }

    /** A unique id: a UUID drawn from the seed. */
    public String id() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** A short unicode text, not unique. */
    public String text() {
        StringBuilder s = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    /** A unicode text no other call of this generator returns. */
    public String unique() {
        return text() + "-" + ++serial;
    }

    public Instant instant() {
        if (random.nextInt(4) == 0) {
            return pick(EDGES);
        }
        Instant t = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 2L, random.nextInt(1_000_000_000));
        return nanos ? t : t.truncatedTo(ChronoUnit.MILLIS);
    }

    public byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private List<KeyVersion> versions(int n) {
        List<KeyVersion> out = new ArrayList<>();
        Set<Integer> kids = new java.util.HashSet<>();
        for (int v = 1; v <= n; v++) {
            int kid = random.nextInt();
            while (!kids.add(kid)) {
                kid = random.nextInt();
            }
            byte[] wrapped = random.nextInt(4) == 0 ? null : bytes(1 + random.nextInt(200));
            byte[] publicKey = random.nextBoolean() ? null : bytes(1 + random.nextInt(120));
            // issued as its number, renumbered by replication, or stored before issued numbers were kept
            int issued = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 1 + random.nextInt(v + 2);
                default -> v;
            };
            out.add(new KeyVersion(v, kid, "kek-" + random.nextInt(1000), wrapped, publicKey, instant(), issued));
        }
        return out;
    }

    private Map<String, Set<Permission>> grants() {
        Map<String, Set<Permission>> out = new HashMap<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            Set<Permission> ops = EnumSet.noneOf(Permission.class);
            for (Permission p : Permission.values()) {
                if (random.nextInt(3) == 0) {
                    ops.add(p);
                }
            }
            out.put(random.nextInt(4) == 0 ? "*" : unique(), ops);
        }
        return out;
    }

    @SafeVarargs
    private <T> T pick(T... from) {
        return from[random.nextInt(from.length)];
    }

    private <T> T maybe(java.util.function.Supplier<T> value) {
        return random.nextInt(4) == 0 ? null : value.get();
    }
}
