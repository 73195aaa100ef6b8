package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.Kek;
import keyward.crypto.KeyDerivation;
import keyward.crypto.Rand;
import keyward.crypto.Secret;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Store;
import keyward.store.TestDatabases;
import keyward.store.UserRecord;
import keyward.store.redis.RedisOptions;
import keyward.store.redis.RedisStore;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restore and migrate write keys in chunks ({@link Store#insertKeys}): into every backend they move
 * exactly what was there (several whole chunks and a partial one), every sampled key's material
 * still opens under the KEK, and a target an interrupted copy left half-filled is refused as
 * before, then completed exactly with {@code --force}.
 */
class ChunkedCopyTest {
    private static final int KEYS = 2 * Store.MAX_BULK_KEYS + 345;
    private static final String REDIS_URL = "redis://127.0.0.1:6379/11";

    private final List<Runnable> cleanup = new ArrayList<>();
    private final Map<String, byte[]> sample = new LinkedHashMap<>();
    private final List<KeyRecord> firstChunk = new ArrayList<>();
    private Path dir;
    private Kek kek;
    private Store source;

    @BeforeEach
    void source() throws Exception {
        dir = Fixture.tempDir();
        kek = Kek.generate();
        source = Fixture.sqlite(dir.resolve("source.db"));
        cleanup.add(source::close);
        Fixture.populate(source, kek, 0);
        List<KeyRecord> chunk = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            chunk.add(key(i));
            if (chunk.size() == Store.MAX_BULK_KEYS || i == KEYS - 1) {
                source.insertKeys(chunk);
                chunk.clear();
            }
        }
        List<KeyRecord> all = new ArrayList<>(Snapshot.of(source).keys().values());
        firstChunk.addAll(all.subList(0, Store.MAX_BULK_KEYS));
    }

    @AfterEach
    void close() {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).run();
        }
    }

    @Test
    void restore_intoSqlite_inChunks_movesEverything_andAHalfRestoredTargetCompletesWithForce() {
        restore(this::sqlite);
    }

    @Test
    void restore_intoPostgres_inChunks_movesEverything_andAHalfRestoredTargetCompletesWithForce() {
        restore(this::postgres);
    }

    @Test
    void restore_intoMariadb_inChunks_movesEverything_andAHalfRestoredTargetCompletesWithForce() {
        restore(this::mariadb);
    }

    @Test
    void restore_intoRedis_inChunks_movesEverything_andAHalfRestoredTargetCompletesWithForce() throws Exception {
        restore(redis());
    }

    @Test
    void migrate_toSqlite_inChunks_movesEverything_andAHalfMigratedTargetCompletesWithForce() {
        migrate(this::sqlite);
    }

    @Test
    void migrate_toPostgres_inChunks_movesEverything_andAHalfMigratedTargetCompletesWithForce() {
        migrate(this::postgres);
    }

    @Test
    void migrate_toMariadb_inChunks_movesEverything_andAHalfMigratedTargetCompletesWithForce() {
        migrate(this::mariadb);
    }

    @Test
    void migrate_toRedis_inChunks_movesEverything_andAHalfMigratedTargetCompletesWithForce() throws Exception {
        migrate(redis());
    }

    private interface Target {
        Store open();
    }

    private void restore(Target target) {
        Path file = dir.resolve("backup.kwb");
        Backup.write(source, kek, file, line -> { });
        Snapshot expected = Snapshot.of(source);

        Store fresh = target.open();
        List<String> said = new ArrayList<>();
        assertEquals(KEYS + 1, Restore.into(fresh, kek, file, false, said::add).keys());
        assertEquals(expected, Snapshot.of(fresh));
        assertMaterialOpens(fresh);
        assertTrue(said.contains("restore: verifying counts"), String.join("\n", said));

        Store half = halfCopied(target);
        OpsException refused = assertThrows(OpsException.class, () -> Restore.into(half, kek, file, false, line -> { }));
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
        Restore.into(half, kek, file, true, line -> { });
        assertEquals(expected, Snapshot.of(half));
        assertMaterialOpens(half);
    }

    private void migrate(Target target) {
        Snapshot expected = Snapshot.of(source);

        Store fresh = target.open();
        assertEquals(KEYS + 1, Migration.copy(source, fresh, false, line -> { }).keys());
        assertEquals(expected, Snapshot.of(fresh));
        assertMaterialOpens(fresh);

        Store half = halfCopied(target);
        OpsException refused = assertThrows(OpsException.class, () -> Migration.copy(source, half, false, line -> { }));
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
        Migration.copy(source, half, true, line -> { });
        assertEquals(expected, Snapshot.of(half));
        assertMaterialOpens(half);
    }

    /** What an interrupted copy leaves: metadata, accounts, the first chunk of keys, nothing after. */
    private Store halfCopied(Target target) {
        Store half = target.open();
        for (String name : StoreWalk.META_NAMES) {
            source.getMeta(name).ifPresent(v -> half.putMeta(name, v));
        }
        for (UserRecord u : source.listUsers()) {
            half.insertUser(u);
            source.listTokens(u.name()).forEach(half::insertToken);
        }
        half.insertKeys(firstChunk);
        return half;
    }

    private void assertMaterialOpens(Store s) {
        assertTrue(sample.size() > 20);
        for (Map.Entry<String, byte[]> e : sample.entrySet()) {
            KeyRecord k = s.findKey(e.getKey()).orElseThrow();
            KeyVersion v = k.primary();
            try (Secret material = kek.unwrap(v.wrapped(), k.id(), v.kid(), "key-material")) {
                assertArrayEquals(e.getValue(), material.revealBytes(), k.id());
            } catch (DecryptionFailedException x) {
                throw new AssertionError("the material of key " + k.id() + " does not open under the KEK", x);
            }
        }
    }

    private KeyRecord key(int i) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = UUID.randomUUID().toString();
        b.name = i % 3 == 0 ? null : "key-" + i;
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = i % 2 == 0 ? "alice" : "bob";
        b.tags = List.of("group-" + i / 10);
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = Instant.parse("2026-03-04T05:06:07.089Z");
        b.updatedAt = b.createdAt;
        byte[] material = Rand.bytes(32);
        b.versions = List.of(new KeyVersion(1, 1000 + i, kek.id(), kek.wrap(material, b.id, 1000 + i, "key-material"),
                null, b.createdAt));
        b.rowVersion = 1;
        if (i % 97 == 0) {
            sample.put(b.id, material);
        }
        return b.build();
    }

    private Store sqlite() {
        Store s = Fixture.sqlite(dir.resolve("target-" + UUID.randomUUID() + ".db"));
        cleanup.add(s::close);
        return s;
    }

    private Store postgres() {
        String url = TestDatabases.createPostgresDatabase();
        cleanup.add(() -> TestDatabases.dropPostgresDatabase(url));
        return opened(SqlStore.open(TestDatabases.options(url)));
    }

    private Store mariadb() {
        String url = TestDatabases.createMysqlDatabase();
        cleanup.add(() -> TestDatabases.dropMysqlDatabase(url));
        return opened(SqlStore.open(TestDatabases.options(url)));
    }

    /** Redis database 11, emptied before and after; each store its own namespace. */
    private Target redis() throws Exception {
        TestDatabases.requireRedis();
        flushRedis();
        cleanup.add(() -> {
            try {
                flushRedis();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return () -> {
            String ns = "kw-bulk-" + HexFormat.of().formatHex(Rand.bytes(4));
            RedisStore s = RedisStore.open(new RedisOptions(REDIS_URL, "bulk test".toCharArray(), "bulk", ns, 4, 5000),
                    KeyDerivation::fromPassword);
            cleanup.add(s::close);
            s.open();
            return s;
        };
    }

    private Store opened(Store s) {
        cleanup.add(s::close);
        s.open();
        return s;
    }

    private static void flushRedis() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-n", "11", "FLUSHDB").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }
}
