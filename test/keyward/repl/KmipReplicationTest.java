package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import keyward.Http;
import org.junit.jupiter.api.Test;

/**
 * KMIP across two replication nodes, in KMIP's JSON form ({@code POST /kmip/2_1}) on each node's
 * API: an object made and activated on one node is found, read and used on the other, its KMIP
 * state (Pre-Active, Active, Deactivated) travels with it, and ciphertexts open on either node.
 */
class KmipReplicationTest {

    @Test
    void kmipObject_madeOnOneNode_isLocatedUsedAndRevokedOnTheOther() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String token = c.admin(0).post("/v1/users", Map.of("name", "kmip-alice")).str("token");
            c.awaitTokenOf(1, "kmip-alice");
            Http a = c.admin(0).as(token);
            Http b = c.admin(1).as(token);

            String uid = text(ok(a, "Create", List.of(
                    enumeration("ObjectType", "SymmetricKey"),
                    structure("Attributes", List.of(
                            enumeration("CryptographicAlgorithm", "AES"),
                            integer("CryptographicLength", 256),
                            structure("Name", List.of(text("NameValue", "replicated-kmip-key"),
                                    enumeration("NameType", "UninterpretedTextString"))))))), "UniqueIdentifier");

            // node b finds it by name, Pre-Active, and refuses to encrypt with it yet
            Cluster.await("the KMIP key on node b", () -> {
                List<Object> found = all(ok(b, "Locate", List.of(structure("Attributes", List.of(
                        structure("Name", List.of(text("NameValue", "replicated-kmip-key"),
                                enumeration("NameType", "UninterpretedTextString"))))))), "UniqueIdentifier");
                return found.equals(List.of(uid));
            });
            assertEquals("PreActive", state(b, uid));
            assertEquals("WrongKeyLifecycleState", reason(call(b, "Encrypt", List.of(text("UniqueIdentifier", uid),
                    bytes("Data", "too early")))));

            // activated on a: active on b; what a encrypts, b decrypts, and the other way round
            ok(a, "Activate", List.of(text("UniqueIdentifier", uid)));
            Cluster.await("Active on node b", () -> "Active".equals(state(b, uid)));
            String fromA = text(ok(a, "Encrypt", List.of(text("UniqueIdentifier", uid), bytes("Data", "sealed on a"))), "Data");
            assertEquals("sealed on a", plaintext(ok(b, "Decrypt", List.of(text("UniqueIdentifier", uid),
                    hexBytes("Data", fromA))), "Data"));
            String fromB = text(ok(b, "Encrypt", List.of(text("UniqueIdentifier", uid), bytes("Data", "sealed on b"))), "Data");
            assertEquals("sealed on b", plaintext(ok(a, "Decrypt", List.of(text("UniqueIdentifier", uid),
                    hexBytes("Data", fromB))), "Data"));

            // revoked on b: a refuses to encrypt with it, and still decrypts
            ok(b, "Revoke", List.of(text("UniqueIdentifier", uid), structure("RevocationReason", List.of(
                    enumeration("RevocationReasonCode", "CessationOfOperation")))));
            Cluster.await("Deactivated on node a", () -> "Deactivated".equals(state(a, uid)));
            assertEquals("WrongKeyLifecycleState", reason(call(a, "Encrypt", List.of(text("UniqueIdentifier", uid),
                    bytes("Data", "too late")))));
            assertEquals("sealed on b", plaintext(ok(a, "Decrypt", List.of(text("UniqueIdentifier", uid),
                    hexBytes("Data", fromB))), "Data"));

            // another user sees nothing of it on either node
            String other = c.admin(1).post("/v1/users", Map.of("name", "kmip-bob")).str("token");
            c.awaitTokenOf(0, "kmip-bob");
            assertEquals("ItemNotFound", reason(call(c.admin(0).as(other), "GetAttributes",
                    List.of(text("UniqueIdentifier", uid)))));
        }
    }

    private static String state(Http h, String uid) {
        Map<String, Object> payload = ok(h, "GetAttributes", List.of(text("UniqueIdentifier", uid)));
        return text(payload, "State");
    }

    /** One batch item of KMIP 2.1 in JSON form; the answer's batch item. */
    private static Map<String, Object> call(Http h, String operation, List<Object> payload) {
        Map<String, Object> message = structure("RequestMessage", List.of(
                structure("RequestHeader", List.of(
                        structure("ProtocolVersion", List.of(integer("ProtocolVersionMajor", 2),
                                integer("ProtocolVersionMinor", 1))),
                        integer("BatchCount", 1))),
                structure("BatchItem", List.of(enumeration("Operation", operation),
                        structure("RequestPayload", payload)))));
        Http.Res r = h.post("/kmip/2_1", message);
        assertEquals(200, r.status(), operation + ": " + r.text());
        return find(r.json(), "BatchItem").get(0);
    }

    /** The response payload of a successful item. */
    private static Map<String, Object> ok(Http h, String operation, List<Object> payload) {
        Map<String, Object> item = call(h, operation, payload);
        assertEquals("Success", text(item, "ResultStatus"), operation + ": " + item);
        return find(item, "ResponsePayload").get(0);
    }

    private static String reason(Map<String, Object> item) {
        assertEquals("OperationFailed", text(item, "ResultStatus"), item.toString());
        return text(item, "ResultReason");
    }

    private static String text(Map<String, Object> t, String tag) {
        List<Map<String, Object>> found = find(t, tag);
        assertTrue(!found.isEmpty(), tag + " missing in " + t);
        return (String) found.get(0).get("value");
    }

    private static List<Object> all(Map<String, Object> t, String tag) {
        List<Object> out = new ArrayList<>();
        find(t, tag).forEach(f -> out.add(f.get("value")));
        return out;
    }

    private static String plaintext(Map<String, Object> payload, String tag) {
        return new String(HexFormat.of().parseHex(text(payload, tag)), StandardCharsets.UTF_8);
    }

    /** Every item tagged {@code tag} in the tree, depth first. */
    private static List<Map<String, Object>> find(Map<String, Object> t, String tag) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (tag.equals(t.get("tag"))) {
            out.add(t);
        }
        if (t.get("value") instanceof List<?> children) {
            for (Object child : children) {
                out.addAll(find(Http.asMap(child), tag));
            }
        }
        return out;
    }

    private static Map<String, Object> structure(String tag, List<Object> items) {
        return Map.of("tag", tag, "type", "Structure", "value", items);
    }

    private static Map<String, Object> text(String tag, String value) {
        return Map.of("tag", tag, "type", "TextString", "value", value);
    }

    private static Map<String, Object> integer(String tag, int value) {
        return Map.of("tag", tag, "type", "Integer", "value", value);
    }

    private static Map<String, Object> enumeration(String tag, String value) {
        return Map.of("tag", tag, "type", "Enumeration", "value", value);
    }

    private static Map<String, Object> bytes(String tag, String utf8) {
        return Map.of("tag", tag, "type", "ByteString", "value",
                HexFormat.of().formatHex(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    /** A ByteString whose bytes are the hex an answer gave (a ciphertext sent back as it came). */
    private static Map<String, Object> hexBytes(String tag, String hex) {
        return Map.of("tag", tag, "type", "ByteString", "value", hex);
    }
}
