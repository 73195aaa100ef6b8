package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.Permission;
import keyward.store.RandomRecords;
import org.junit.jupiter.api.Test;

/** The replication documents: a key travels between nodes exactly, with the wire names of states and grants. */
class DocsTest {
    private static final String CID = String.format("%016x.%s", 5L << 16, "aaaaaaaa-0000-0000-0000-000000000000");

    private final RandomRecords random = new RandomRecords(23);

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
}
