package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import keyward.TestNode;
import keyward.crypto.Rand;
import keyward.Http;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.Replica;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.Test;

/**
 * The same key name created on several nodes at once, on real SQLite stores with capture and
 * applier, changes delivered between random pairs in random batch sizes until nothing moves:
 * every node ends with the same name for every key, in every repetition.
 */
class NameClaimsTest {

    private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");
    private static final String NAME = "dnX";

    /** One node: its store, capture and applier; its clock stands still, as if all wrote in one millisecond. */
    private static final class Peer implements AutoCloseable {
        final String node;
        final SqlStore store;
        final Replica replica;
        final Applier applier;
        final Status status;

        Peer(Path dir, int i) {
            node = String.format("%08d-0000-4000-8000-000000000000", i);
            store = SqlStore.open(SqlStore.sqlite(dir.resolve("n" + i + ".db")));
            store.open();
            replica = store.replica().orElseThrow();
            Clock clock = Clock.fixed(T, ZoneOffset.UTC);
            Hlc hlc = new Hlc(clock, node, List.of());
            Capture capture = new Capture(hlc, clock);
            replica.enableChangeCapture(capture);
            status = new Status(clock, List.of(), null, 1000, id -> store.findKey(id).map(KeyRecord::name));
            applier = new Applier(hlc, capture, clock, status);
        }

        /** Creates a key named {@link #NAME} here, as the API would (a captured local insert). */
        String createKey() {
            String id = Rand.uuidV7(T.toEpochMilli());
            String doc = "{\"key\":{\"id\":\"" + id + "\",\"name\":\"" + NAME + "\",\"algorithm\":\"aes-256-gcm\","
                    + "\"state\":\"active\",\"state_before_destroy\":null,\"owner\":null,\"tags\":[],\"attributes\":{},"
                    + "\"exportable\":false,\"primary_version\":1,\"min_decryption_version\":1,\"auto_rotate_period\":0,"
                    + "\"created_at\":" + T.toEpochMilli() + ",\"updated_at\":" + T.toEpochMilli() + ",\"rotated_at\":"
                    + T.toEpochMilli() + ",\"destroy_at\":null,\"versions\":[{\"version\":1,\"kid\":" + Rand.kid()
                    + ",\"kek_id\":\"kek00001\",\"wrapped\":\"AQID\",\"public_key\":null,\"created_at\":" + T.toEpochMilli()
                    + "}],\"grants\":{}},\"stamps\":{\"fields\":\"\",\"state\":\"\",\"created\":\"\",\"grants\":{},"
                    + "\"versions\":{}}}";
            store.insertKey(Docs.key(doc.getBytes(StandardCharsets.UTF_8)).key());
            return id;
        }

        /** Key id to name, for every key here. */
        Map<String, String> names() {
            Map<String, String> out = new TreeMap<>();
            for (String id : replica.read("names", tx -> tx.keyIds())) {
                out.put(id, store.findKey(id).orElseThrow().name());
            }
            return out;
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void threeNodes_createTheSameNameAtOnce_convergeToIdenticalNames_in20of20RandomDeliveries() throws IOException {
        for (int rep = 0; rep < 20; rep++) {
            settle(3, new Random(0x3a11L * 31 + rep));
        }
    }

    @Test
    void fiveNodes_createTheSameNameAtOnce_convergeToIdenticalNames_in20of20RandomDeliveries() throws IOException {
        for (int rep = 0; rep < 20; rep++) {
            settle(5, new Random(0x5a11L * 31 + rep));
        }
    }

    @Test
    void loserName_isTheNameAndTheRandomEndOfTheId_withinTheLengthLimit() {
        assertEquals("payments-8a1b2c3d4e5f", NameClaims.loserName("payments", "01a23661-7f00-7abc-9def-8a1b2c3d4e5f"));
        String longName = "n".repeat(128);
        String renamed = NameClaims.loserName(longName, "01a23661-7f00-7abc-9def-8a1b2c3d4e5f");
        assertEquals(128, renamed.length());
        assertTrue(renamed.endsWith("-8a1b2c3d4e5f"), renamed);
    }

    private static void settle(int n, Random random) throws IOException {
        Path dir = Files.createTempDirectory("kw-names-");
        List<Peer> peers = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                peers.add(new Peer(dir, i));
                ids.add(peers.get(i).createKey());
            }
            deliverUntilQuiet(peers, random);
            Map<String, String> first = peers.get(0).names();
            for (Peer p : peers) {
                assertEquals(first, p.names(), "node " + p.node + " agrees with node 0");
            }
            assertEquals(NAME, first.get(ids.get(0)), "the key created first (same millisecond: smallest node) keeps the name");
            Set<String> distinct = new HashSet<>(first.values());
            assertEquals(n, distinct.size(), "names are unique: " + first);
            for (String id : ids.subList(1, n)) {
                assertEquals(NameClaims.loserName(NAME, id), first.get(id));
                assertTrue(reported(peers, id, first.get(id)), "the rename of " + id + " is in some node's status");
            }
        } finally {
            peers.forEach(Peer::close);
            TestNode.deleteTree(dir);
        }
    }

    /** Pulls between random pairs, 1 to 3 changes at a time, until no node has anything new for another. */
    private static void deliverUntilQuiet(List<Peer> peers, Random random) {
        for (int step = 0; step < 10_000; step++) {
            Peer to = peers.get(random.nextInt(peers.size()));
            Peer from = peers.get(random.nextInt(peers.size()));
            if (to != from) {
                List<ChangeRow> rows = from.replica.changesAfter(to.replica.vector(), 1 + random.nextInt(3), 1 << 20);
                to.applier.apply(to.replica, rows);
            }
            if (step % 20 == 19 && quiet(peers)) {
                return;
            }
        }
        throw new AssertionError("changes still moving after 10,000 deliveries");
    }

    private static boolean quiet(List<Peer> peers) {
        for (Peer to : peers) {
            for (Peer from : peers) {
                if (to != from && !from.replica.changesAfter(to.replica.vector(), 1, 1 << 20).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean reported(List<Peer> peers, String id, String name) {
        for (Peer p : peers) {
            for (Object o : Http.asList(p.status.toJson().get("name_conflicts"))) {
                Map<String, Object> c = Http.asMap(o);
                if (id.equals(c.get("key")) && name.equals(c.get("current_name")) && name.equals(c.get("renamed_to"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
