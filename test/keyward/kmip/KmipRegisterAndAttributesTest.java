package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.core.Principal;
import org.junit.jupiter.api.Test;

/**
 * Register of every object type and its refusals, the 1.x forms of the attribute operations and
 * their answers, KMIP names that are no Keyward names, key pairs' shared lifecycle, ReKeyKeyPair's
 * links and the Compromise Occurrence Date, message by message through {@link Kmip} on a real node.
 */
class KmipRegisterAndAttributesTest extends KmipDirect {

    static Ttlv one(Principal p, int version, Ttlv item) {
        return Msg.items(kmip.handle(p, Msg.request(version, true, item), "test")).get(0);
    }

    static Ttlv ok(int version, Ttlv item) {
        Ttlv r = one(ALICE, version, item);
        assertEquals(Enums.SUCCESS, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.payload(r);
    }

    static int reason(int version, Ttlv item) {
        return Msg.reason(one(ALICE, version, item));
    }

    static String uid(Ttlv payload) {
        return payload.required(Tags.UNIQUE_IDENTIFIER).asText();
    }

    static Ttlv secretData(byte[] value, int dataType, Ttlv... attributes) {
        return Msg.item(Op.REGISTER, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SECRET_DATA),
                Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, List.of(attributes)),
                Ttlv.structure(Tags.SECRET_DATA, List.of(Ttlv.enumeration(Tags.SECRET_DATA_TYPE, dataType),
                        Ttlv.structure(Tags.KEY_BLOCK, List.of(Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.OPAQUE),
                                Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, value))))))));
    }

    static Ttlv symmetric(int format, int algorithm, byte[] value) {
        return Msg.item(Op.REGISTER, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, List.of()),
                Ttlv.structure(Tags.SYMMETRIC_KEY, List.of(Ttlv.structure(Tags.KEY_BLOCK, List.of(
                        Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, format),
                        Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, value))),
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, algorithm))))));
    }

    static Ttlv v1(String name, Ttlv value) {
        return KmipOperationsTest.v1(name, value);
    }

    @Test
    void register_secretDataAndOpaqueObjects_asSecretKeys_andGetThemBack() {
        byte[] password = "hunter2".getBytes(StandardCharsets.UTF_8);
        String secret = uid(ok(104, secretData(password, Enums.SECRET_PASSWORD,
                v1("Name", KeyObjects.name(0, "db password")))));
        Ttlv got = ok(104, Msg.item(Op.GET, Msg.uid(secret)));
        assertEquals(Enums.SECRET_DATA, got.required(Tags.OBJECT_TYPE).asInt());
        assertEquals(Enums.SECRET_PASSWORD, got.required(Tags.SECRET_DATA).required(Tags.SECRET_DATA_TYPE).asInt());
        assertArrayEquals(password, got.required(Tags.SECRET_DATA).required(Tags.KEY_BLOCK).required(Tags.KEY_VALUE)
                .required(Tags.KEY_MATERIAL).asBytes());
        Http.Res rest = aliceRest.get("/v1/keys/" + secret);
        assertEquals("secret", rest.str("algorithm"));
        assertEquals("db password", Http.asMap(rest.json().get("attributes")).get(KeyObjects.NAME_ATTRIBUTE),
                "a KMIP name with a space is kept beside the key");
        assertEquals(List.of(secret), ok(104, Msg.item(Op.LOCATE, v1("Name", KeyObjects.name(0, "db password"))))
                .all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList());

        String opaque = uid(ok(200, Msg.item(Op.REGISTER, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.OPAQUE_OBJECT),
                Ttlv.structure(Tags.ATTRIBUTES, List.of()), Ttlv.structure(Tags.OPAQUE_OBJECT, List.of(
                        Ttlv.enumeration(Tags.OPAQUE_DATA_TYPE, 0x80000001), Ttlv.bytes(Tags.OPAQUE_DATA_VALUE, new byte[] {1, 2}))))));
        Ttlv back = ok(200, Msg.item(Op.GET, Msg.uid(opaque))).required(Tags.OPAQUE_OBJECT);
        assertEquals(0x80000001, back.required(Tags.OPAQUE_DATA_TYPE).asInt());
        assertArrayEquals(new byte[] {1, 2}, back.required(Tags.OPAQUE_DATA_VALUE).asBytes());
        assertEquals(Enums.OPAQUE_OBJECT, ok(200, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(opaque)))
                .required(Tags.ATTRIBUTES).required(Tags.OBJECT_TYPE).asInt());
        assertEquals(Enums.PRE_ACTIVE, ok(200, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(opaque)))
                .required(Tags.ATTRIBUTES).required(Tags.STATE).asInt(), "registered objects start Pre-Active");
    }

    @Test
    void register_refusesWhatKeywardCannotHold_withTheKmipReason() {
        assertEquals(Reason.INVALID_FIELD.code, reason(200, symmetric(Enums.RAW, Enums.AES, new byte[20])),
                "AES keys are 16, 24 or 32 bytes");
        assertEquals(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED.code, reason(200,
                symmetric(Enums.TRANSPARENT_SYMMETRIC_KEY, Enums.AES, new byte[16])));
        assertEquals(Reason.INVALID_FIELD.code, reason(200, symmetric(Enums.RAW, Enums.RSA, new byte[16])));
        assertEquals(Reason.INVALID_FIELD.code, reason(200, Msg.item(Op.REGISTER,
                Ttlv.enumeration(Tags.OBJECT_TYPE, 1), Ttlv.structure(Tags.ATTRIBUTES, List.of()))), "certificates");
        assertEquals(Reason.INVALID_FIELD.code, reason(104, secretData(new byte[ObjectOps.MAX_SECRET + 1],
                Enums.SECRET_SEED)));
        assertEquals(Reason.INVALID_FIELD.code, reason(200, Msg.item(Op.REGISTER,
                Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.PRIVATE_KEY), Ttlv.structure(Tags.PRIVATE_KEY, List.of(
                        Ttlv.structure(Tags.KEY_BLOCK, List.of(Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS8),
                                Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, new byte[40]))),
                                Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.RSA),
                                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 2048))))))), "not a PKCS#8 key");
        String hmac = uid(ok(200, symmetric(Enums.RAW, Enums.HMAC_SHA512, new byte[64])));
        assertEquals("hmac-sha512", aliceRest.get("/v1/keys/" + hmac).str("algorithm"));
    }

    @Test
    void attributeOperations_inTheirV1Form_answerWithTheAttribute() {
        String id = uid(ok(104, Msg.item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, List.of(v1("Cryptographic Algorithm", Ttlv.enumeration(0, Enums.AES)),
                        v1("Cryptographic Length", Ttlv.integer(0, 128)))))));
        Ttlv added = ok(104, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id), v1("Object Group", Ttlv.text(0, "ops"))));
        assertEquals("Object Group", added.required(Tags.ATTRIBUTE).required(Tags.ATTRIBUTE_NAME).asText());
        ok(104, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id), v1("Object Group", Ttlv.text(0, "nightly"))));
        ok(104, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id), v1("Name", KeyObjects.name(0, "v1-attrs"))));
        assertEquals(Reason.INVALID_FIELD.code, reason(104, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id),
                v1("Name", KeyObjects.name(0, "second-name")))), "one Name");
        assertEquals(List.of("ops", "nightly"), aliceRest.get("/v1/keys/v1-attrs").json().get("tags"));

        ok(104, Msg.item(Op.MODIFY_ATTRIBUTE, Msg.uid(id), Ttlv.structure(Tags.ATTRIBUTE, List.of(
                Ttlv.text(Tags.ATTRIBUTE_NAME, "Object Group"), Ttlv.integer(Tags.ATTRIBUTE_INDEX, 1),
                Ttlv.text(Tags.ATTRIBUTE_VALUE, "weekly")))));
        ok(104, Msg.item(Op.MODIFY_ATTRIBUTE, Msg.uid(id), v1("Name", KeyObjects.name(0, "renamed with spaces"))));
        Http.Res rest = aliceRest.get("/v1/keys/" + id);
        assertEquals(List.of("ops", "weekly"), rest.json().get("tags"));
        assertFalse(rest.json().get("name") instanceof String, "a name with spaces is no Keyward name");
        assertEquals("renamed with spaces", Http.asMap(rest.json().get("attributes")).get(KeyObjects.NAME_ATTRIBUTE));

        Ttlv deleted = ok(104, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id), Ttlv.text(Tags.ATTRIBUTE_NAME, "Object Group"),
                Ttlv.integer(Tags.ATTRIBUTE_INDEX, 0)));
        assertEquals("ops", deleted.required(Tags.ATTRIBUTE).required(Tags.ATTRIBUTE_VALUE).asText(),
                "a 1.x DeleteAttribute answers with what it deleted");
        ok(104, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id), Ttlv.text(Tags.ATTRIBUTE_NAME, "Name")));
        assertEquals(List.of("weekly"), aliceRest.get("/v1/keys/" + id).json().get("tags"));
        assertFalse(Http.asMap(aliceRest.get("/v1/keys/" + id).json().get("attributes"))
                .containsKey(KeyObjects.NAME_ATTRIBUTE));
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(104, Msg.item(Op.DELETE_ATTRIBUTE, Msg.uid(id),
                Ttlv.text(Tags.ATTRIBUTE_NAME, "x-never-set"))));
        assertEquals(Reason.INVALID_FIELD.code, reason(104, Msg.item(Op.ADD_ATTRIBUTE, Msg.uid(id),
                v1("x-number", Ttlv.integer(0, 5)))), "custom attributes hold text");

        List<String> names = ok(104, Msg.item(Op.GET_ATTRIBUTE_LIST, Msg.uid(id))).all(Tags.ATTRIBUTE_NAME).stream()
                .map(Ttlv::asText).toList();
        assertTrue(names.containsAll(List.of("Object Group", "State", "Extractable", "Sensitive")), names.toString());
        assertFalse(names.contains("Name"), names.toString());
    }

    @Test
    void aKeyPair_sharesOneLifecycle_andReKeyKeyPairLinksBothHalves() {
        Ttlv pair = ok(104, Msg.item(Op.CREATE_KEY_PAIR, Ttlv.structure(Tags.COMMON_TEMPLATE_ATTRIBUTE, List.of(
                v1("Cryptographic Algorithm", Ttlv.enumeration(0, Enums.EC)), v1("Cryptographic Length", Ttlv.integer(0, 256)),
                v1("Object Group", Ttlv.text(0, "signers"))))));
        String priv = pair.required(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER).asText();
        String pub = priv + "-pub";
        ok(104, Msg.item(Op.ACTIVATE, Msg.uid(priv)));
        ok(104, Msg.item(Op.ACTIVATE, Msg.uid(pub)));
        assertEquals(Reason.ILLEGAL_OPERATION.code, reason(104, Msg.item(Op.ACTIVATE, Msg.uid(pub))));

        Ttlv again = ok(104, Msg.item(Op.REKEY_KEY_PAIR, Ttlv.text(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, priv)));
        String newPriv = again.required(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER).asText();
        assertEquals(newPriv + "-pub", again.required(Tags.PUBLIC_KEY_UNIQUE_IDENTIFIER).asText());
        List<Ttlv> links = ok(104, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(pub), Ttlv.text(Tags.ATTRIBUTE_NAME, "Link")))
                .all(Tags.ATTRIBUTE).stream().map(a -> a.required(Tags.ATTRIBUTE_VALUE)).toList();
        assertTrue(links.stream().anyMatch(l -> l.required(Tags.LINK_TYPE).asInt() == Enums.REPLACEMENT_OBJECT_LINK
                && l.required(Tags.LINKED_OBJECT_IDENTIFIER).asText().equals(newPriv + "-pub")), links.toString());
        assertEquals(List.of("signers"), aliceRest.get("/v1/keys/" + newPriv).json().get("tags"));
        assertEquals(Reason.INVALID_FIELD.code, reason(104, Msg.item(Op.REKEY, Msg.uid(newPriv))), "ReKey is for symmetric keys");
        assertEquals(Reason.INVALID_FIELD.code, reason(104, Msg.item(Op.REKEY_KEY_PAIR,
                Ttlv.text(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, newPriv + "-pub"))));

        // Revoke of the public half revokes the pair, for compromise, with the date it happened
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 104, Msg.item(Op.REVOKE, Msg.uid(pub),
                Ttlv.structure(Tags.REVOCATION_REASON, List.of(Ttlv.enumeration(Tags.REVOCATION_REASON_CODE,
                        Enums.KEY_COMPROMISE))), Ttlv.dateTime(Tags.COMPROMISE_OCCURRENCE_DATE, 1_700_000_000L)))));
        assertEquals("compromised", aliceRest.get("/v1/keys/" + priv).str("state"));
        Ttlv attrs = ok(200, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(priv))).required(Tags.ATTRIBUTES);
        assertEquals(Enums.COMPROMISED, attrs.required(Tags.STATE).asInt());
        assertEquals(1_700_000_000L, attrs.required(Tags.COMPROMISE_OCCURRENCE_DATE).asLong());
        ok(104, Msg.item(Op.DESTROY, Msg.uid(priv)));
        ok(104, Msg.item(Op.DESTROY, Msg.uid(pub)));
        assertEquals(Reason.ILLEGAL_OPERATION.code, reason(104, Msg.item(Op.GET, Msg.uid(pub))));
    }

    @Test
    void anotherUser_seesNoneOfItWithoutAGrant_andAGetGrantShowsThePublicKeyOnly() {
        Ttlv pair = ok(200, Msg.item(Op.CREATE_KEY_PAIR, Ttlv.structure(Tags.COMMON_ATTRIBUTES, List.of(
                Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.ED25519)))));
        String priv = pair.required(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER).asText();
        for (Ttlv item : List.of(Msg.item(Op.GET, Msg.uid(priv + "-pub")), Msg.item(Op.GET_ATTRIBUTE_LIST, Msg.uid(priv)),
                Msg.item(Op.SET_ATTRIBUTE, Msg.uid(priv), Ttlv.structure(Tags.NEW_ATTRIBUTE,
                        List.of(Ttlv.text(Tags.OBJECT_GROUP, "mine")))),
                Msg.item(Op.CHECK, Msg.uid(priv)), Msg.item(Op.REKEY_KEY_PAIR, Ttlv.text(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, priv)))) {
            assertEquals(Reason.ITEM_NOT_FOUND.code, Msg.reason(one(BOB, 200, item)), String.valueOf(JsonTtlv.toJson(item)));
        }
        assertEquals(200, aliceRest.put("/v1/keys/" + priv + "/grants/bob", Map.of("operations", List.of("get"))).status());
        assertEquals(Enums.SUCCESS, Msg.status(one(BOB, 200, Msg.item(Op.GET, Msg.uid(priv + "-pub")))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(BOB, 200, Msg.item(Op.GET, Msg.uid(priv)))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(BOB, 200, Msg.item(Op.ACTIVATE, Msg.uid(priv)))));
        assertEquals(Reason.ITEM_NOT_FOUND.code, Msg.reason(one(ALICE, 200, Msg.item(Op.GET,
                Msg.uid(priv + "-pub-pub")))));
    }
}
