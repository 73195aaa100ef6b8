package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import keyward.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KMIP in the JSON form of TTLV on the API port: the API's authentication, batches with the ID
 * Placeholder, the Stop and Continue options, the version of the request, one audit entry per
 * batch item, and keys shared with REST.
 */
class KmipJsonTest {
    static TestNode node;
    static Http alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        alice = node.http(node.newUser("alice"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Posts a message and returns the decoded Response Message. */
    static Ttlv post(Http who, String path, Ttlv request) {
        Http.Res r = who.send("POST", path, Json.writeBytes(JsonTtlv.toJson(request)), "application/json");
        assertEquals(200, r.status(), r.text());
        return JsonTtlv.fromJson(Json.parse(r.raw(), Json.Limits.DEFAULT), TtlvCodec.Limits.forBytes(1 << 20));
    }

    @Test
    void batch_createActivateGetEncryptDecrypt_runsOnThePlaceholder_andAuditsEachItem() {
        Ttlv r = post(alice, "/kmip/2_1", Msg.request(201, Msg.create2(256, "json-batch"), Msg.item(Op.ACTIVATE),
                Msg.item(Op.GET), Msg.item(Op.ENCRYPT, Ttlv.bytes(Tags.DATA, "over json".getBytes(StandardCharsets.UTF_8)))));
        assertEquals(201, Msg.version(r));
        List<Ttlv> items = Msg.items(r);
        assertEquals(4, items.size());
        for (Ttlv i : items) {
            assertEquals(Enums.SUCCESS, Msg.status(i), String.valueOf(JsonTtlv.toJson(i)));
        }
        String id = Msg.payload(items.get(0)).required(Tags.UNIQUE_IDENTIFIER).asText();
        byte[] key = Msg.payload(items.get(2)).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK).required(Tags.KEY_VALUE)
                .required(Tags.KEY_MATERIAL).asBytes();
        assertEquals(32, key.length);
        String ciphertext = new String(Msg.payload(items.get(3)).required(Tags.DATA).asBytes(), StandardCharsets.US_ASCII);

        // the same key over REST: active, named, and it opens the KMIP ciphertext
        Http.Res meta = alice.get("/v1/keys/json-batch");
        assertEquals(200, meta.status());
        assertEquals(id, meta.str("id"));
        assertEquals("active", meta.str("state"));
        Http.Res opened = alice.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ciphertext));
        assertEquals("over json", new String(Http.unb64(opened.json().get("plaintext")), StandardCharsets.UTF_8));

        // one audit entry per item, each with the object's id
        List<Object> expected = List.of("kmip.create", "kmip.activate", "kmip.get", "kmip.encrypt");
        Poll.until("four audit entries of " + id, () -> auditedOperations(id).size() >= 4);
        assertEquals(expected, auditedOperations(id).subList(0, 4));
    }

    private static List<Object> auditedOperations(String id) {
        Http.Res audit = node.admin().get("/v1/audit?key=" + id);
        return Http.asList(audit.json().get("entries")).stream().map(e -> Http.asMap(e).get("operation")).toList();
    }

    @Test
    void batch_stopsAtTheFirstFailure_unlessContinueIsAsked() {
        Ttlv stop = post(alice, "/kmip", Msg.request(104, Msg.create2(128, null), Msg.item(Op.ENCRYPT,
                Ttlv.bytes(Tags.DATA, new byte[] {1})), Msg.item(Op.ACTIVATE)));
        List<Ttlv> items = Msg.items(stop);
        assertEquals(104, Msg.version(stop));
        assertEquals(2, items.size());
        assertEquals(Reason.ILLEGAL_OPERATION.code, Msg.reason(items.get(1)), "a 1.x answer: Pre-Active is illegal");

        Ttlv go = post(alice, "/kmip", Msg.request(200, true, Msg.create2(128, null), Msg.item(Op.ENCRYPT,
                Ttlv.bytes(Tags.DATA, new byte[] {1})), Msg.item(Op.ACTIVATE), Msg.item(Op.ACTIVATE)));
        items = Msg.items(go);
        assertEquals(4, items.size());
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(items.get(1)));
        assertEquals(Enums.SUCCESS, Msg.status(items.get(2)));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(items.get(3)), "a second Activate is refused");
    }

    @Test
    void errors_carryKmipReasons() {
        String missing = "01890000-0000-7000-8000-000000000000";
        Ttlv r = post(alice, "/kmip/2_1", Msg.request(201, true,
                Msg.item(Op.GET, Msg.uid(missing)),
                Msg.item(Op.ARCHIVE, Msg.uid(missing)),
                Ttlv.structure(Tags.BATCH_ITEM, List.of(Ttlv.enumeration(Tags.OPERATION, 0x99))),
                Msg.item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                        Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 64)))),
                Msg.item(Op.DECRYPT, Msg.uid("not-an-id"), Ttlv.bytes(Tags.DATA, new byte[8])),
                Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.text(Tags.VENDOR_IDENTIFICATION, "x"))))));
        List<Integer> reasons = Msg.items(r).stream().map(Msg::reason).toList();
        assertEquals(List.of(Reason.ITEM_NOT_FOUND.code, Reason.OPERATION_NOT_SUPPORTED.code,
                Reason.OPERATION_NOT_SUPPORTED.code, Reason.INVALID_FIELD.code, Reason.ITEM_NOT_FOUND.code,
                Reason.INVALID_FIELD.code), reasons);
    }

    @Test
    void aKeyMadeOverRest_isLocated_describedAndUsed_butNotExported() {
        Http.Res made = alice.post("/v1/keys", Map.of("name", "rest-json", "algorithm", "aes-128-gcm"));
        String id = made.str("id");
        Ttlv r = post(alice, "/kmip/2_1", Msg.request(201,
                Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(KeyObjects.name(Tags.NAME, "rest-json")))),
                Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id)),
                Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, new byte[] {5}),
                        Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {9}))));
        List<Ttlv> items = Msg.items(r);
        assertEquals(id, Msg.payload(items.get(0)).required(Tags.UNIQUE_IDENTIFIER).asText());
        Ttlv attrs = Msg.payload(items.get(1)).required(Tags.ATTRIBUTES);
        assertEquals(Enums.ACTIVE, attrs.required(Tags.STATE).asInt());
        assertEquals(128, attrs.required(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        assertEquals("rest-json", attrs.required(Tags.NAME).required(Tags.NAME_VALUE).asText());
        String ct = new String(Msg.payload(items.get(2)).required(Tags.DATA).asBytes(), StandardCharsets.US_ASCII);
        assertEquals(200, alice.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct, "aad", Http.b64(new byte[] {9})))
                .status());
        Ttlv get = post(alice, "/kmip/2_1", Msg.request(201, Msg.item(Op.GET, Msg.uid(id))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(Msg.items(get).get(0)));
    }

    @Test
    void withoutCredentials_isTheApis401_andNotJsonTtlvIsAResponseWithInvalidMessage() {
        Http.Res r = node.http(null).send("POST", "/kmip/2_1", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(401, r.status());
        Ttlv bad = post(alice, "/kmip/2_1", Ttlv.structure(Tags.RESPONSE_MESSAGE, List.of()));
        assertEquals(Reason.INVALID_MESSAGE.code, Msg.reason(Msg.items(bad).get(0)));
        Http.Res notJson = alice.send("POST", "/kmip/2_1", "{".getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(400, notJson.status());
        assertTrue(alice.send("POST", "/kmip/2_1", "{\"tag\":1}".getBytes(StandardCharsets.UTF_8), "application/json")
                .text().contains("InvalidMessage"));
    }
}
