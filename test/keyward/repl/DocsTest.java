package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.RandomRecords;
import org.junit.jupiter.api.Test;

/**
 * The replication documents: a key travels between nodes exactly, with the wire names of states
 * and grants; numbers a peer sends that the local record holds in an {@code int} are checked
 * before they narrow, never wrapped; names this node does not know are refused naming them.
 */
class DocsTest {

    private static final String NODE = "aaaaaaaa-0000-0000-0000-000000000000";
    private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");
    private static final long TWO_TO_THE_40 = 1L << 40;
    private static final String CID = String.format("%016x.%s", 5L << 16, NODE);

    private final RandomRecords random = new RandomRecords(23);

    private static KeyDoc doc(int kid) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = "key-1";
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = T;
        b.updatedAt = T;
        b.versions = List.of(new KeyVersion(1, kid, "kek00001", new byte[] {1, 2, 3}, null, T));
        return Merge.local(null, b.build(), String.format("%016x.%s", 5L << 16, NODE));
    }

    /** The JSON of {@code doc} with one field of the record ("key") or of its first version changed. */
    private static byte[] with(KeyDoc doc, boolean inVersion, String field, Object value) {
        Map<String, Object> top = Fields.parse(Docs.key(doc), "key document");
        Map<String, Object> key = new LinkedHashMap<>(Fields.obj(top, "key"));
        if (inVersion) {
            List<Object> versions = new ArrayList<>(Fields.list(key, "versions"));
            Map<String, Object> first = new LinkedHashMap<>(Fields.object(versions.get(0), "version"));
            first.put(field, value);
            versions.set(0, first);
            key.put("versions", versions);
        } else {
            key.put(field, value);
        }
        Map<String, Object> changed = new LinkedHashMap<>(top);
        changed.put("key", key);
        return Json.writeBytes(changed);
    }

    private static void assertRefused(byte[] doc, String field, long value) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Docs.key(doc), field + " = " + value);
        assertTrue(e.getMessage().startsWith("'" + field + "' must be an integer in "), e.getMessage());
        assertTrue(e.getMessage().endsWith("not " + value), e.getMessage());
    }

    @Test
    void keyDocument_versionNumbersBeyondAnInt_areRefusedNamingTheField() {
        KeyDoc d = doc(7);
        for (String field : List.of("primary_version", "min_decryption_version")) {
            assertRefused(with(d, false, field, TWO_TO_THE_40), field, TWO_TO_THE_40);
            assertRefused(with(d, false, field, TWO_TO_THE_40 + 1), field, TWO_TO_THE_40 + 1);
            assertRefused(with(d, false, field, -1L), field, -1);
        }
        assertRefused(with(d, true, "version", TWO_TO_THE_40 + 1), "version", TWO_TO_THE_40 + 1);
        assertRefused(with(d, true, "version", (long) Integer.MAX_VALUE + 1), "version", (long) Integer.MAX_VALUE + 1);
    }

    @Test
    void keyDocument_kidBeyondAnInt_isRefused_butEveryIntKidRoundTrips() {
        assertRefused(with(doc(7), true, "kid", TWO_TO_THE_40 + 7), "kid", TWO_TO_THE_40 + 7);
        assertRefused(with(doc(7), true, "kid", (long) Integer.MIN_VALUE - 1), "kid", (long) Integer.MIN_VALUE - 1);
        for (int kid : new int[] {Integer.MIN_VALUE, -5, 0, Integer.MAX_VALUE}) {
            KeyDoc d = doc(kid);
            assertEquals(d, Docs.key(Docs.key(d)));
        }
    }

    @Test
    void keyDocument_largestVersionNumbers_areKept() {
        KeyDoc d = doc(7);
        KeyDoc back = Docs.key(with(d, false, "primary_version", (long) Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, back.key().primaryVersion());
    }

    @Test
    void pullLimit_beyondAnInt_isRefused_notWrappedIntoRange() {
        Function<Long, Map<String, Object>> request = n -> Map.of("limit", n);
        assertEquals(2000, Protocol.limit(request.apply(2000L), Protocol.MAX_CHANGES));
        long wraps = (1L << 32) + 5; // (int) gives 5, inside 1..2000
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Protocol.limit(request.apply(wraps), Protocol.MAX_CHANGES));
        assertEquals("'limit' must be an integer in 1..2000, not " + wraps, e.getMessage());
    }

    @Test
    void randomKeyDocuments_roundTripThroughJson() {
        for (int i = 0; i < 200; i++) {
            KeyRecord.Builder b = random.key().toBuilder();
            b.rowVersion = 0;  // not replicated: each node counts its own
            KeyDoc d = Merge.local(null, b.build(), CID);
            assertEquals(d, Docs.key(Docs.key(d)), "document " + i);
        }
    }

    @Test
    void statesAndGrants_travelAsTheirWireNames_grantsInNameOrder() {
        KeyRecord.Builder b = random.key().toBuilder();
        b.state = KeyState.PENDING_DESTRUCTION;
        b.stateBeforeDestroy = KeyState.COMPROMISED;
        b.grants = Map.of("bob", Set.of(Permission.VERIFY, Permission.GET, Permission.DECRYPT));
        Map<String, Object> key = Fields.obj(Fields.parse(Docs.key(Merge.local(null, b.build(), CID)), "doc"), "key");
        assertEquals("pending_destruction", key.get("state"));
        assertEquals("compromised", key.get("state_before_destroy"));
        assertEquals(Map.of("bob", List.of("decrypt", "get", "verify")), key.get("grants"));
    }

    @Test
    void aStateThisNodeDoesNotKnow_isAProtocolErrorNamingIt() {
        KeyRecord.Builder b = random.key().toBuilder();
        b.state = KeyState.DEACTIVATED;
        byte[] doc = replace(Docs.key(Merge.local(null, b.build(), CID)), "\"deactivated\"", "\"frozen\"");
        ProtocolException e = assertThrows(ProtocolException.class, () -> Docs.key(doc));
        assertEquals(KeyState.unknown("frozen"), e.getMessage());
    }

    @Test
    void aGrantedOperationThisNodeDoesNotKnow_isAProtocolErrorNamingIt() {
        KeyRecord.Builder b = random.key().toBuilder();
        b.grants = Map.of("bob", Set.of(Permission.ROTATE));
        byte[] doc = replace(Docs.key(Merge.local(null, b.build(), CID)), "\"rotate\"", "\"spin\"");
        ProtocolException e = assertThrows(ProtocolException.class, () -> Docs.key(doc));
        assertEquals(Permission.unknown("spin"), e.getMessage());
    }

    private static byte[] replace(byte[] doc, String from, String to) {
        String s = new String(doc, StandardCharsets.UTF_8);
        assertTrue(s.contains(from), from);
        return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    /** The vector a consumer sends with the pull it asks ahead: what applying the batch in hand leaves. */
    @Test
    void vectorAfterABatch_movesEachOriginToItsNewestChange_andKeepsTheOthers() {
        String a = "0d3c4b5a-0000-4000-8000-00000000000a";
        String b = "0d3c4b5a-0000-4000-8000-00000000000b";
        String c = "0d3c4b5a-0000-4000-8000-00000000000c";
        Map<String, String> vector = new LinkedHashMap<>();
        vector.put(a, "0000000000000005." + a);
        vector.put(c, "0000000000000009." + c);
        List<keyward.store.ChangeRow> rows = List.of(
                new keyward.store.ChangeRow("0000000000000006." + a, a, Docs.KEY, "k1", new byte[0]),
                new keyward.store.ChangeRow("0000000000000003." + b, b, Docs.KEY, "k2", new byte[0]),
                new keyward.store.ChangeRow("0000000000000007." + a, a, Docs.KEY, "k3", new byte[0]),
                new keyward.store.ChangeRow("0000000000000001." + b, b, Docs.KEY, "k4", new byte[0]));
        Map<String, String> next = Consumer.after(vector, rows);
        assertEquals(Map.of(a, "0000000000000007." + a, b, "0000000000000003." + b, c, "0000000000000009." + c), next);
        assertEquals("0000000000000005." + a, vector.get(a), "the vector sent before is left as it was");
    }
}
