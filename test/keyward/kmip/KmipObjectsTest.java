package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.ManualClock;
import keyward.Poll;
import keyward.TestNode;
import keyward.crypto.KeyFormats;
import keyward.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KMIP object model on Keyward keys, through the JSON form on a real node whose clock the test
 * moves: Activation Dates (and Pre-Active over REST), ReKey's links and name handover, key pairs'
 * links and formats, Register in PKCS#1, object groups and custom attributes as Keyward tags and
 * attributes, Extractable and Sensitive, and one audit entry per item.
 */
class KmipObjectsTest {
    static ManualClock clock = new ManualClock();
    static TestNode node;
    static Http alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(clock);
        alice = node.http(node.newUser("alice"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<Ttlv> run(int version, Ttlv... items) {
        Http.Res r = alice.send("POST", version >= 200 ? "/kmip/2_1" : "/kmip",
                Json.writeBytes(JsonTtlv.toJson(Msg.request(version, true, items))), "application/json");
        assertEquals(200, r.status(), r.text());
        return Msg.items(JsonTtlv.fromJson(Json.parse(r.raw(), Json.Limits.DEFAULT), TtlvCodec.Limits.forBytes(1 << 20)));
    }

    static Ttlv ok(int version, Ttlv item) {
        Ttlv r = run(version, item).get(0);
        assertEquals(Enums.SUCCESS, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.payload(r);
    }

    static int fails(int version, Ttlv item) {
        Ttlv r = run(version, item).get(0);
        assertEquals(Enums.OPERATION_FAILED, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.reason(r);
    }

    static Ttlv attributes(String uid, Ttlv... references) {
        return ok(201, Msg.item(Op.GET_ATTRIBUTES, ArrayUtil.with(Msg.uid(uid), references))).required(Tags.ATTRIBUTES);
    }

    static Ttlv create(String name, Ttlv... more) {
        List<Ttlv> attrs = new ArrayList<>(List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 256)));
        if (name != null) {
            attrs.add(KeyObjects.name(Tags.NAME, name));
        }
        attrs.addAll(List.of(more));
        return Msg.item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY), Ttlv.structure(Tags.ATTRIBUTES, attrs));
    }

    static String uid(Ttlv payload) {
        return payload.required(Tags.UNIQUE_IDENTIFIER).asText();
    }

    static Ttlv ref(int tag) {
        return Ttlv.enumeration(Tags.ATTRIBUTE_REFERENCE, tag);
    }

    static String linked(Ttlv attributes, int type) {
        return attributes.all(Tags.LINK).stream().filter(l -> l.required(Tags.LINK_TYPE).asInt() == type)
                .map(l -> l.required(Tags.LINKED_OBJECT_IDENTIFIER).asText()).findFirst()
                .orElseThrow(() -> new AssertionError("no link of type " + type + " in " + JsonTtlv.toJson(attributes)));
    }

    @Test
    void activationDate_keepsTheKeyPreActiveUntilItPasses_overKmipAndRest() {
        long at = clock.now().getEpochSecond() + 3600;
        String id = uid(ok(201, create("activates-later", Ttlv.dateTime(Tags.ACTIVATION_DATE, at))));
        assertEquals(Enums.PRE_ACTIVE, attributes(id).required(Tags.STATE).asInt());
        assertEquals(at, attributes(id).required(Tags.ACTIVATION_DATE).asLong());
        Http.Res refused = alice.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("x")));
        assertEquals(422, refused.status(), refused.text());
        assertTrue(refused.text().contains("pre-active"), refused.text());
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, fails(201, Msg.item(Op.ENCRYPT, Msg.uid(id),
                Ttlv.bytes(Tags.DATA, new byte[1]))));

        clock.advance(Duration.ofHours(2));
        assertEquals(Enums.ACTIVE, attributes(id).required(Tags.STATE).asInt());
        assertEquals(200, alice.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("x"))).status());
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, fails(201, Msg.item(Op.ACTIVATE, Msg.uid(id))),
                "active by its date: Activate is a second Activate");
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, fails(201, Msg.item(Op.SET_ATTRIBUTE, Msg.uid(id),
                Ttlv.structure(Tags.NEW_ATTRIBUTE, List.of(Ttlv.dateTime(Tags.ACTIVATION_DATE, at + 7200))))),
                "the Activation Date of an Active key stays");
    }

    @Test
    void preActive_overRest_isRefusedUntilKmipActivates_andAReadStillWorks() {
        String id = uid(ok(201, create("rest-pre")));
        Http.Res refused = alice.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("x")));
        assertEquals(422, refused.status());
        assertEquals("invalid_state", Http.asMap(refused.json().get("error")).get("code"), refused.text());
        assertEquals(200, alice.get("/v1/keys/rest-pre").status());
        ok(201, Msg.item(Op.ACTIVATE, Msg.uid(id)));
        assertEquals(200, alice.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("x"))).status());
    }

    @Test
    void aes192_isServed_andAes64IsNot() {
        String id = uid(ok(201, Msg.item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                        Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 192))))));
        assertEquals("aes-192-gcm", alice.get("/v1/keys/" + id).str("algorithm"));
        byte[] key = ok(201, Msg.item(Op.GET, Msg.uid(id))).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK)
                .required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes();
        assertEquals(24, key.length);
    }

    @Test
    void rekey_makesANewLinkedObject_thatTakesTheName_whileRestKeepsBoth() {
        String old = uid(ok(201, create("rekeyed", Ttlv.text(Tags.OBJECT_GROUP, "payments"))));
        ok(201, Msg.item(Op.ACTIVATE, Msg.uid(old)));
        String made = uid(ok(201, Msg.item(Op.REKEY, Msg.uid(old))));
        assertNotEquals(old, made);
        assertEquals(made, linked(attributes(old, ref(Tags.LINK)), Enums.REPLACEMENT_OBJECT_LINK));
        assertEquals(old, linked(attributes(made, ref(Tags.LINK)), Enums.REPLACED_OBJECT_LINK));
        assertEquals(Enums.ACTIVE, attributes(made).required(Tags.STATE).asInt());
        assertEquals(Enums.ACTIVE, attributes(old).required(Tags.STATE).asInt(), "the old key stays as it was");
        assertEquals(made, alice.get("/v1/keys/rekeyed").str("id"), "the name moved to the new key");
        assertEquals(List.of("payments"), alice.get("/v1/keys/" + made).json().get("tags"));
        assertFalse(alice.get("/v1/keys/" + old).json().get("name") instanceof String, "the old key has no name now");

        String offset = uid(ok(201, Msg.item(Op.REKEY, Msg.uid(made), Ttlv.integer(Tags.OFFSET, 600))));
        assertEquals(Enums.PRE_ACTIVE, attributes(offset).required(Tags.STATE).asInt());
        long activation = attributes(offset).required(Tags.ACTIVATION_DATE).asLong();
        assertTrue(Math.abs(clock.now().getEpochSecond() + 600 - activation) <= 1, "now + the Offset: " + activation);
    }

    @Test
    void keyPairs_linkTheirHalves_giveEveryFormat_andRegisterInPkcs1() throws Exception {
        Ttlv pair = ok(201, Msg.item(Op.CREATE_KEY_PAIR, Ttlv.structure(Tags.COMMON_ATTRIBUTES, List.of(
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.ECDSA),
                        Ttlv.structure(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS, List.of(
                                Ttlv.enumeration(Tags.RECOMMENDED_CURVE, Enums.P_384))))),
                Ttlv.structure(Tags.PRIVATE_KEY_ATTRIBUTES, List.of(KeyObjects.name(Tags.NAME, "pair-384"))),
                Ttlv.structure(Tags.PUBLIC_KEY_ATTRIBUTES, List.of(KeyObjects.name(Tags.NAME, "pair-384 public")))));
        String priv = pair.required(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER).asText();
        String pub = pair.required(Tags.PUBLIC_KEY_UNIQUE_IDENTIFIER).asText();
        assertEquals(priv + "-pub", pub);
        assertEquals("ec-p384", alice.get("/v1/keys/pair-384").str("algorithm"));
        assertEquals(pub, linked(attributes(priv, ref(Tags.LINK)), Enums.PUBLIC_KEY_LINK));
        assertEquals(priv, linked(attributes(pub, ref(Tags.LINK)), Enums.PRIVATE_KEY_LINK));
        assertEquals("pair-384 public", attributes(pub).required(Tags.NAME).required(Tags.NAME_VALUE).asText());
        assertEquals(Enums.P_384, attributes(priv, ref(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS))
                .required(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS).required(Tags.RECOMMENDED_CURVE).asInt());
        assertEquals(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED.code, fails(201, Msg.item(Op.GET, Msg.uid(pub),
                Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1))), "PKCS#1 is for RSA keys");

        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        byte[] pkcs1 = KeyFormats.rsaPrivatePkcs1(rsa.getPrivate().getEncoded());
        String registered = uid(ok(201, Msg.item(Op.REGISTER, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.PRIVATE_KEY),
                Ttlv.structure(Tags.ATTRIBUTES, List.of(KeyObjects.name(Tags.NAME, "registered-rsa"))),
                Ttlv.structure(Tags.PRIVATE_KEY, List.of(Ttlv.structure(Tags.KEY_BLOCK, List.of(
                        Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1),
                        Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, pkcs1))),
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.RSA),
                        Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 2048))))))));
        ok(201, Msg.item(Op.SET_ATTRIBUTE, Msg.uid(registered), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                List.of(Ttlv.bool(Tags.EXTRACTABLE, true)))));
        assertArrayEquals(rsa.getPrivate().getEncoded(), material(ok(201, Msg.item(Op.GET, Msg.uid(registered))),
                Tags.PRIVATE_KEY), "PKCS#8 by default");
        assertArrayEquals(pkcs1, material(ok(201, Msg.item(Op.GET, Msg.uid(registered),
                Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1))), Tags.PRIVATE_KEY));
        assertArrayEquals(rsa.getPublic().getEncoded(), material(ok(201, Msg.item(Op.GET, Msg.uid(registered + "-pub"))),
                Tags.PUBLIC_KEY), "X.509 by default");
        assertArrayEquals(KeyFormats.rsaPublicPkcs1(rsa.getPublic().getEncoded()), material(ok(201, Msg.item(Op.GET,
                Msg.uid(registered + "-pub"), Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1))), Tags.PUBLIC_KEY));

        // made not extractable, the private half stays inside; the public half is always there to be read
        ok(201, Msg.item(Op.SET_ATTRIBUTE, Msg.uid(registered), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                List.of(Ttlv.bool(Tags.SENSITIVE, true)))));
        assertEquals(false, alice.get("/v1/keys/registered-rsa").json().get("exportable"));
        assertEquals(Reason.PERMISSION_DENIED.code, fails(201, Msg.item(Op.GET, Msg.uid(registered))));
        ok(201, Msg.item(Op.GET, Msg.uid(registered + "-pub")));
        assertEquals(Reason.INVALID_FIELD.code, fails(201, Msg.item(Op.SET_ATTRIBUTE, Msg.uid(registered),
                Ttlv.structure(Tags.NEW_ATTRIBUTE, List.of(Ttlv.bool(Tags.EXTRACTABLE, true))))), "one-way, as REST's");
        assertEquals(false, attributes(registered, ref(Tags.EXTRACTABLE)).required(Tags.EXTRACTABLE).asBoolean());
    }

    private static byte[] material(Ttlv payload, int objectTag) {
        return payload.required(objectTag).required(Tags.KEY_BLOCK).required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL)
                .asBytes();
    }

    static Ttlv vendor(String vendor, String name, String value) {
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.VENDOR_IDENTIFICATION, vendor),
                Ttlv.text(Tags.ATTRIBUTE_NAME, name), Ttlv.text(Tags.ATTRIBUTE_VALUE, value)));
    }

    @Test
    void groupsAndCustomAttributes_areKeywardTagsAndAttributes_inBothForms() {
        String id = uid(ok(201, create("custom", Ttlv.text(Tags.OBJECT_GROUP, "finance"), vendor("x", "team", "pay"),
                vendor("acme", "owner", "carol"))));
        Http.Res rest = alice.get("/v1/keys/custom");
        assertEquals(List.of("finance"), rest.json().get("tags"));
        Map<String, Object> restAttributes = Http.asMap(rest.json().get("attributes"));
        assertEquals("pay", restAttributes.get("x-team"));
        assertEquals("carol", restAttributes.get("acme:owner"));

        // 1.x shows the x- attribute by its 1.x name, and not the other vendor's
        List<Ttlv> v1 = ok(104, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id))).all(Tags.ATTRIBUTE);
        List<String> names = v1.stream().map(a -> a.required(Tags.ATTRIBUTE_NAME).asText()).toList();
        assertTrue(names.containsAll(List.of("x-team", "Object Group", "Name", "State")), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.contains("owner")), names.toString());

        // Locate by group, custom attribute and vendor attribute, in either form
        assertEquals(List.of(id), located(201, Ttlv.text(Tags.OBJECT_GROUP, "finance")));
        assertEquals(List.of(id), located(201, vendor("acme", "owner", "carol")));
        assertEquals(List.of(), located(201, vendor("acme", "owner", "dave")));
        assertEquals(List.of(id), ok(104, Msg.item(Op.LOCATE, KmipOperationsTest.v1("x-team", Ttlv.text(0, "pay"))))
                .all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList());

        // AddAttribute, ModifyAttribute and DeleteAttribute, 2.x
        ok(201, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                List.of(Ttlv.text(Tags.OBJECT_GROUP, "audit")))));
        ok(201, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                List.of(vendor("x", "cost-center", "42")))));
        assertEquals(Reason.INVALID_FIELD.code, fails(201, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id),
                Ttlv.structure(Tags.NEW_ATTRIBUTE, List.of(vendor("x", "team", "again"))))), "one value per custom attribute");
        ok(201, Msg.item(Op.MODIFY_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                List.of(vendor("x", "team", "billing")))));
        ok(201, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.ATTRIBUTE_REFERENCE, List.of(
                Ttlv.text(Tags.VENDOR_IDENTIFICATION, "acme"), Ttlv.text(Tags.ATTRIBUTE_NAME, "owner")))));
        ok(201, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.CURRENT_ATTRIBUTE,
                List.of(Ttlv.text(Tags.OBJECT_GROUP, "finance")))));
        rest = alice.get("/v1/keys/" + id);
        assertEquals(List.of("audit"), rest.json().get("tags"));
        restAttributes = Http.asMap(rest.json().get("attributes"));
        assertEquals("billing", restAttributes.get("x-team"));
        assertEquals("42", restAttributes.get("x-cost-center"));
        assertFalse(restAttributes.containsKey("acme:owner"));
        assertEquals(Reason.ITEM_NOT_FOUND.code, fails(201, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id),
                Ttlv.structure(Tags.ATTRIBUTE_REFERENCE, List.of(Ttlv.text(Tags.VENDOR_IDENTIFICATION, "acme"),
                        Ttlv.text(Tags.ATTRIBUTE_NAME, "owner"))))));
        assertEquals(Reason.INVALID_FIELD.code, fails(201, Msg.item(Op.SET_ATTRIBUTE, Msg.uid(id),
                Ttlv.structure(Tags.NEW_ATTRIBUTE, List.of(Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 128))))),
                "the server's attributes are read-only");

        // GetAttributeList names them all, custom ones as vendor references
        Ttlv list = ok(201, Msg.item(Op.GET_ATTRIBUTE_LIST, Msg.uid(id)));
        assertTrue(list.all(Tags.ATTRIBUTE_REFERENCE).stream().anyMatch(r -> r.type() == Ttlv.Type.STRUCTURE
                && r.required(Tags.ATTRIBUTE_NAME).asText().equals("cost-center")));
        assertTrue(list.all(Tags.ATTRIBUTE_REFERENCE).stream().anyMatch(r -> r.type() == Ttlv.Type.ENUMERATION
                && r.asInt() == Tags.OBJECT_GROUP));
    }

    static List<String> located(int version, Ttlv... filters) {
        return ok(version, Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(filters))))
                .all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList();
    }

    @Test
    void aBatch_auditsEachItemWithTheObjectsId_andQueryListsTheObjects() {
        List<Ttlv> items = run(201, Msg.item(Op.CREATE_KEY_PAIR, Ttlv.structure(Tags.COMMON_ATTRIBUTES, List.of(
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.ED25519)))),
                Msg.item(Op.GET_ATTRIBUTES), Msg.item(Op.ACTIVATE), Msg.item(Op.CHECK,
                        Ttlv.integer(Tags.CRYPTOGRAPHIC_USAGE_MASK, Enums.USAGE_SIGN)),
                Msg.item(Op.QUERY, Ttlv.enumeration(Tags.QUERY_FUNCTION, Enums.QUERY_OBJECTS)));
        for (Ttlv i : items) {
            assertEquals(Enums.SUCCESS, Msg.status(i), String.valueOf(JsonTtlv.toJson(i)));
        }
        String id = Msg.payload(items.get(0)).required(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER).asText();
        assertEquals(id, uid(Msg.payload(items.get(1))), "the ID Placeholder is the Private Key");
        assertEquals(List.of(Enums.SYMMETRIC_KEY, Enums.PUBLIC_KEY, Enums.PRIVATE_KEY, Enums.SECRET_DATA,
                Enums.OPAQUE_OBJECT), Msg.payload(items.get(4)).all(Tags.OBJECT_TYPE).stream().map(Ttlv::asInt).toList());
        List<Object> expected = List.of("kmip.create_key_pair", "kmip.get_attributes", "kmip.activate", "kmip.check");
        Poll.until("four audit entries of " + id, () -> audited(id).size() >= 4);
        assertEquals(expected, audited(id).subList(0, 4));
        assertEquals("ok", Http.asMap(Http.asList(node.admin().get("/v1/audit?key=" + id).json().get("entries")).get(0))
                .get("outcome"));
        assertEquals(Reason.PERMISSION_DENIED.code, fails(201, Msg.item(Op.CHECK, Msg.uid(id + "-pub"),
                Ttlv.integer(Tags.CRYPTOGRAPHIC_USAGE_MASK, Enums.USAGE_SIGN))), "a public key verifies, it does not sign");
    }

    private static List<Object> audited(String id) {
        Http.Res audit = node.admin().get("/v1/audit?key=" + id);
        return Http.asList(audit.json().get("entries")).stream().map(e -> Http.asMap(e).get("operation")).toList();
    }

    /** Small array helper for payloads. */
    static final class ArrayUtil {
        private ArrayUtil() {
        }

        static Ttlv[] with(Ttlv first, Ttlv... rest) {
            Ttlv[] out = new Ttlv[rest.length + 1];
            out[0] = first;
            System.arraycopy(rest, 0, out, 1, rest.length);
            return out;
        }
    }
}
