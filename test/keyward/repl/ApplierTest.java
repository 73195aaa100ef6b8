package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import keyward.json.Json;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Replica;
import keyward.store.Store;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A batch from a peer on a real SQLite store: one out-of-range number refuses the whole batch. */
class ApplierTest {

    private static final String HERE = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final String PEER = "bbbbbbbb-0000-4000-8000-000000000002";
    private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");

    private final Clock clock = Clock.fixed(T, ZoneOffset.UTC);
    private Path dir;
    private Store store;
    private Replica replica;
    private Applier applier;

    @BeforeEach
    void open() throws IOException {
        dir = Files.createTempDirectory("kw-applier-");
        store = SqlStore.open(SqlStore.sqlite(dir.resolve("k.db")));
        store.open();
        replica = store.replica().orElseThrow();
        Hlc hlc = new Hlc(clock, HERE, List.of());
        Capture capture = new Capture(hlc, clock);
        replica.enableChangeCapture(capture);
        applier = new Applier(hlc, capture, clock, new Status(clock, List.of(), null));
    }

    @AfterEach
    void close() {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChangeRow change(long tick, String keyId, int kid) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = keyId;
        b.name = "from-peer-" + tick;
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = T;
        b.updatedAt = T;
        b.versions = List.of(new KeyVersion(1, kid, "kek00001", new byte[] {1, 2, 3}, null, T));
        String cid = String.format("%016x.%s", tick << 16, PEER);
        return new ChangeRow(cid, PEER, Docs.KEY, keyId, Docs.key(Merge.local(null, b.build(), cid)));
    }

    /** {@code row} with the first version's number set to {@code number}, as a peer could send it. */
    private static ChangeRow withVersionNumber(ChangeRow row, long number) {
        Map<String, Object> top = Fields.parse(row.payload(), "key document");
        Map<String, Object> key = new LinkedHashMap<>(Fields.obj(top, "key"));
        List<Object> versions = new ArrayList<>(Fields.list(key, "versions"));
        Map<String, Object> first = new LinkedHashMap<>(Fields.object(versions.get(0), "version"));
        first.put("version", number);
        versions.set(0, first);
        key.put("versions", versions);
        Map<String, Object> changed = new LinkedHashMap<>(top);
        changed.put("key", key);
        return new ChangeRow(row.changeId(), row.origin(), row.kind(), row.objectId(), Json.writeBytes(changed));
    }

    @Test
    void batch_applies_andMovesTheVector() {
        ChangeRow row = change(1, "key-1", 11);
        assertEquals(1, applier.apply(replica, List.of(row)));
        assertEquals("from-peer-1", store.findKey("key-1").orElseThrow().name());
        assertEquals(row.changeId(), replica.vector().get(PEER));
    }

    @Test
    void versionNumberOf2To40_refusesTheWholeBatch_namingTheField_andStoresNothing() {
        ChangeRow good = change(1, "key-1", 11);
        ChangeRow bad = withVersionNumber(change(2, "key-2", 22), 1L << 40);
        ProtocolException e = assertThrows(ProtocolException.class, () -> applier.apply(replica, List.of(good, bad)));
        assertTrue(e.getMessage().startsWith("'version' must be an integer in 0.."), e.getMessage());
        assertEquals(Optional.empty(), store.findKey("key-1"), "the batch is one transaction");
        assertEquals(Optional.empty(), store.findKey("key-2"), "not stored as version 0");
        assertEquals(null, replica.vector().get(PEER));
    }

    /** One malformed key document deep in a large batch fails the whole batch, with its own message. */
    @Test
    void malformedDocumentDeepInALargeBatch_refusesTheBatch_withItsOwnMessage() {
        List<ChangeRow> batch = new java.util.ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            ChangeRow row = change(i, "key-" + i, i);
            batch.add(i == 431 ? withVersionNumber(row, 1L << 40) : row);
        }
        ProtocolException e = assertThrows(ProtocolException.class, () -> applier.apply(replica, batch));
        assertTrue(e.getMessage().startsWith("'version' must be an integer in 0.."), e.getMessage());
        assertEquals(Optional.empty(), store.findKey("key-1"), "the batch is one transaction");
        assertEquals(null, replica.vector().get(PEER));
    }

    /**
     * Batches joined into one transaction (a consumer far behind): each is applied as it is given,
     * the next is asked for once per batch and never after the end, and a malformed change in the
     * last one undoes the earlier ones with it.
     */
    @Test
    void batchesOfOneTransaction_applyTogether_andFailTogether() {
        List<List<ChangeRow>> more = new ArrayList<>(List.of(
                List.of(change(3, "key-3", 3), change(4, "key-4", 4)), List.of(change(5, "key-5", 5))));
        int[] asked = {0};
        assertEquals(5, applier.apply(replica, List.of(change(1, "key-1", 1), change(2, "key-2", 2)), () -> {
            asked[0]++;
            return more.isEmpty() ? null : more.remove(0);
        }));
        assertEquals(3, asked[0], "two batches, then the end once");
        for (int i = 1; i <= 5; i++) {
            assertEquals("from-peer-" + i, store.findKey("key-" + i).orElseThrow().name());
        }
        assertEquals(change(5, "key-5", 5).changeId(), replica.vector().get(PEER));

        List<List<ChangeRow>> failing = new ArrayList<>(List.of(List.of(withVersionNumber(change(7, "key-7", 7), 1L << 40))));
        assertThrows(ProtocolException.class, () -> applier.apply(replica, List.of(change(6, "key-6", 6)),
                () -> failing.isEmpty() ? null : failing.remove(0)));
        assertEquals(Optional.empty(), store.findKey("key-6"), "the batches are one transaction");
        assertEquals(change(5, "key-5", 5).changeId(), replica.vector().get(PEER));
    }
}
