package keyward.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import keyward.crypto.Kek;
import keyward.crypto.Rand;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.Store;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;

/** SQLite stores in a temp dir, and a small deployment with every kind of record and every optional field. */
final class Fixture {
    static final Instant T0 = Instant.parse("2026-03-04T05:06:07.089Z");
    /** Text that must never show in a backup file: the file is encrypted as a whole. */
    static final String MARKER = "billing-team-ünïcødé";

    private Fixture() {
    }

    static Store sqlite(Path file) {
        Store s = SqlStore.open(SqlOptions.sqlite(file));
        s.open();
        return s;
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("kw-ops-");
    }

    /** Fills {@code s}: metadata, 2 users, 2 tokens, {@code plainKeys} + 1 full key, 7 audit entries, 1 checkpoint. */
    static void populate(Store s, Kek kek, int plainKeys) {
        s.putMeta("kek.canary", kek.makeCanary());
        s.putMeta("kek.salt", Rand.bytes(16));
        s.putMeta("byok.key", Rand.bytes(300));
        s.insertUser(new UserRecord("alice", true, T0));
        s.insertUser(new UserRecord("bob", false, T0.plusSeconds(5)));
        s.insertToken(new TokenRecord("tok-a", "alice", Rand.bytes(32), T0, null));
        s.insertToken(new TokenRecord("tok-b", "bob", Rand.bytes(32), T0, T0.plusSeconds(86_400)));
        for (int i = 0; i < plainKeys; i++) {
            KeyRecord.Builder b = new KeyRecord.Builder();
            b.id = UUID.randomUUID().toString();
            b.algorithm = "aes-256-gcm";
            b.state = KeyState.ACTIVE;
            b.owner = "alice";
            b.primaryVersion = 1;
            b.minDecryptionVersion = 1;
            b.createdAt = T0;
            b.updatedAt = T0;
            b.rotatedAt = T0;
            b.versions = List.of(new KeyVersion(1, 1000 + i, kek.id(), Rand.bytes(61), null, T0));
            b.rowVersion = 1;
            s.insertKey(b.build());
        }
        s.insertKey(fullKey(kek));
        audit(s);
    }

    /** Appends 7 audit entries on two nodes and one checkpoint (the server under test writes none). */
    static void audit(Store s) {
        List<AuditRecord> audit = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            audit.add(entry("node-a", seq));
        }
        audit.add(entry("node-b", 1));
        audit.add(entry("node-b", 2));
        s.appendAudit(audit);
        s.putCheckpoint(new AuditCheckpoint("node-a", 5, hash(5), Rand.bytes(64), T0.plusSeconds(50)));
    }

    private static KeyRecord fullKey(Kek kek) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = UUID.randomUUID().toString();
        b.name = "payments";
        b.algorithm = "ec-p256";
        b.state = KeyState.PENDING_DESTRUCTION;
        b.stateBeforeDestroy = KeyState.DEACTIVATED;
        b.owner = "bob";
        b.tags = List.of("pci", "alpha");
        b.attributes = Map.of("team", MARKER, "cost-center", "42");
        b.exportable = true;
        b.primaryVersion = 3;
        b.minDecryptionVersion = 2;
        b.autoRotatePeriod = 86_400;
        b.createdAt = T0;
        b.updatedAt = T0.plusSeconds(3600);
        b.rotatedAt = T0.plusSeconds(1800);
        b.destroyAt = T0.plusSeconds(7 * 86_400);
        b.versions = List.of(new KeyVersion(1, 11, kek.id(), null, Rand.bytes(91), T0),
                new KeyVersion(2, -5, kek.id(), Rand.bytes(121), Rand.bytes(91), T0.plusSeconds(900)),
                new KeyVersion(3, 123_456, "0000beef", Rand.bytes(121), Rand.bytes(91), T0.plusSeconds(1800)));
        b.grants = Map.of("alice", Set.of(Permission.ENCRYPT, Permission.DECRYPT), "*", Set.of(Permission.GET), "carol", Set.of());
        b.rowVersion = 7;
        return b.build();
    }

    private static AuditRecord entry(String node, long seq) {
        return new AuditRecord(0, node, seq, T0.plusSeconds(seq), seq % 2 == 0 ? null : "alice", "encrypt",
                seq == 3 ? null : "payments", "ok", "127.0.0.1", seq == 1 ? null : hash(seq - 1), hash(seq));
    }

    private static byte[] hash(long seq) {
        return HexFormat.of().parseHex("%064x".formatted(seq));
    }
}
