package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.core.Principal;
import org.junit.jupiter.api.Test;

/**
 * The operations on Keyward keys, message by message through {@link Kmip} on a real node: the
 * KMIP states and their rules, attributes in the 1.x and 2.x forms, Locate's filters, Create's
 * Extractable, Sensitive and usage mask, grants made over REST, and what REST sees.
 */
class KmipOperationsTest extends KmipDirect {

    /** The items of the answer to one message. */
    static List<Ttlv> run(Principal p, int version, Ttlv... items) {
        return Msg.items(kmip.handle(p, Msg.request(version, true, items), "test"));
    }

    static Ttlv one(Principal p, int version, Ttlv item) {
        return run(p, version, item).get(0);
    }

    static String create(Principal p, Ttlv createItem) {
        Ttlv r = one(p, 200, createItem);
        assertEquals(Enums.SUCCESS, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.payload(r).required(Tags.UNIQUE_IDENTIFIER).asText();
    }

    static int state(String id) {
        Ttlv r = one(ALICE, 200, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id)));
        return Msg.payload(r).required(Tags.ATTRIBUTES).required(Tags.STATE).asInt();
    }

    /** A KMIP 1.x Create with a Template-Attribute of named attributes. */
    static Ttlv create1(int bits, Integer usageMask, Ttlv... more) {
        List<Ttlv> attrs = new ArrayList<>(List.of(v1("Cryptographic Algorithm", Ttlv.enumeration(0, Enums.AES)),
                v1("Cryptographic Length", Ttlv.integer(0, bits))));
        if (usageMask != null) {
            attrs.add(v1("Cryptographic Usage Mask", Ttlv.integer(0, usageMask)));
        }
        attrs.addAll(List.of(more));
        return Msg.item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, attrs));
    }

    static Ttlv v1(String name, Ttlv value) {
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.ATTRIBUTE_NAME, name),
                new Ttlv(Tags.ATTRIBUTE_VALUE, value.type(), value.value())));
    }

    static Ttlv revoke(String id, int code) {
        return Msg.item(Op.REVOKE, Msg.uid(id), Ttlv.structure(Tags.REVOCATION_REASON,
                List.of(Ttlv.enumeration(Tags.REVOCATION_REASON_CODE, code))));
    }

    @Test
    void lifecycle_followsKmipRules_andShowsOverRest() {
        String id = create(ALICE, Msg.create2(256, "ops-life"));
        assertEquals(Enums.PRE_ACTIVE, state(id));
        assertEquals("active", aliceRest.get("/v1/keys/" + id).str("state"), "REST: Pre-Active is an attribute");
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200,
                Msg.item(Op.DECRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, new byte[8])))));
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 200, Msg.item(Op.ACTIVATE, Msg.uid(id)))));
        assertEquals(Enums.ACTIVE, state(id));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200, Msg.item(Op.DESTROY, Msg.uid(id)))));
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 200, revoke(id, 2))));
        assertEquals(Enums.COMPROMISED, state(id));
        assertEquals("compromised", aliceRest.get("/v1/keys/" + id).str("state"));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200,
                Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, new byte[1])))));
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 200, Msg.item(Op.DESTROY, Msg.uid(id)))));
        // pending_days_min is 0 in tests: the destruction may be done already, and then the compromise is forgotten
        assertTrue(List.of(Enums.DESTROYED_COMPROMISED, Enums.DESTROYED).contains(state(id)));
        assertTrue(List.of("pending_destruction", "destroyed").contains(aliceRest.get("/v1/keys/" + id).str("state")));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200, Msg.item(Op.DESTROY, Msg.uid(id)))));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200, revoke(id, 1))));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, Msg.reason(one(ALICE, 200, Msg.item(Op.GET, Msg.uid(id)))));
    }

    @Test
    void aPreActiveKey_canBeDestroyedWithoutActivation_andRevokedToDeactivated() {
        String a = create(ALICE, Msg.create2(128, null));
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 104, Msg.item(Op.DESTROY, Msg.uid(a)))));
        assertEquals(Enums.DESTROYED, state(a));
        String b = create(ALICE, Msg.create2(128, null));
        assertEquals(Enums.SUCCESS, Msg.status(one(ALICE, 104, revoke(b, 5))));
        assertEquals(Enums.DEACTIVATED, state(b));
    }

    @Test
    void getAttributes_inTheFormOfEachVersion_allOrByName() {
        String id = create(ALICE, create1(128, null, v1("Name", KeyObjects.name(0, "ops-attrs"))));
        Ttlv v1 = Msg.payload(one(ALICE, 102, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id))));
        List<String> names = v1.all(Tags.ATTRIBUTE).stream().map(a -> a.required(Tags.ATTRIBUTE_NAME).asText()).toList();
        assertEquals(List.of("Unique Identifier", "Object Type", "Cryptographic Algorithm", "Cryptographic Length",
                "Cryptographic Usage Mask", "State", "Name", "Initial Date", "Last Change Date"), names);
        Ttlv state = v1.all(Tags.ATTRIBUTE).get(5).required(Tags.ATTRIBUTE_VALUE);
        assertEquals(Ttlv.Type.ENUMERATION, state.type());
        assertEquals(Enums.PRE_ACTIVE, state.asInt());

        Ttlv named = Msg.payload(one(ALICE, 102, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id),
                Ttlv.text(Tags.ATTRIBUTE_NAME, "Extractable"), Ttlv.text(Tags.ATTRIBUTE_NAME, "Name"),
                Ttlv.text(Tags.ATTRIBUTE_NAME, "x-unknown"))));
        assertEquals(2, named.all(Tags.ATTRIBUTE).size());

        Ttlv v2 = Msg.payload(one(ALICE, 200, Msg.item(Op.GET_ATTRIBUTES, Msg.uid(id),
                Ttlv.enumeration(Tags.ATTRIBUTE_REFERENCE, Tags.CRYPTOGRAPHIC_LENGTH),
                Ttlv.enumeration(Tags.ATTRIBUTE_REFERENCE, Tags.SENSITIVE))));
        Ttlv attrs = v2.required(Tags.ATTRIBUTES);
        assertEquals(2, attrs.items().size());
        assertEquals(128, attrs.required(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        assertFalse(attrs.required(Tags.SENSITIVE).asBoolean());
        assertEquals("ops-attrs", aliceRest.get("/v1/keys/" + id).str("name"));
    }

    @Test
    void create_extractableSensitiveAndUsageMask_decideGetAndUse() {
        String closed = create(ALICE, create1(256, null, v1("Extractable", Ttlv.bool(0, false))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(ALICE, 104, Msg.item(Op.GET, Msg.uid(closed)))));
        assertEquals(false, aliceRest.get("/v1/keys/" + closed).json().get("exportable"));
        String sensitive = create(ALICE, create1(256, null, v1("Sensitive", Ttlv.bool(0, true))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(ALICE, 104, Msg.item(Op.GET, Msg.uid(sensitive)))));

        String encryptOnly = create(ALICE, create1(256, Enums.USAGE_ENCRYPT));
        one(ALICE, 104, Msg.item(Op.ACTIVATE, Msg.uid(encryptOnly)));
        Ttlv sealed = one(ALICE, 104, Msg.item(Op.ENCRYPT, Msg.uid(encryptOnly), Ttlv.bytes(Tags.DATA, new byte[] {1})));
        assertEquals(Enums.SUCCESS, Msg.status(sealed));
        Ttlv opened = one(ALICE, 104, Msg.item(Op.DECRYPT, Msg.uid(encryptOnly), Msg.payload(sealed).required(Tags.DATA)));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(opened));
        assertTrue(opened.required(Tags.RESULT_MESSAGE).asText().contains("Usage Mask"));

        Ttlv raw = one(ALICE, 104, Msg.item(Op.GET, Msg.uid(encryptOnly),
                Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.TRANSPARENT_SYMMETRIC_KEY)));
        assertEquals(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED.code, Msg.reason(raw));
    }

    @Test
    void encrypt_refusesOtherModesAndCallerIvs_andBindsTheAad() {
        String id = create(ALICE, Msg.create2(256, null));
        one(ALICE, 200, Msg.item(Op.ACTIVATE, Msg.uid(id)));
        Ttlv ecb = one(ALICE, 200, Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS,
                List.of(Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, 2))), Ttlv.bytes(Tags.DATA, new byte[16])));
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, Msg.reason(ecb)); // raw modes: KmipCryptoTest
        Ttlv iv = one(ALICE, 200, Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]),
                Ttlv.bytes(Tags.DATA, new byte[16])));
        assertEquals(Reason.INVALID_FIELD.code, Msg.reason(iv));
        Ttlv gcm = one(ALICE, 200, Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS,
                List.of(Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, Enums.GCM))), Ttlv.bytes(Tags.DATA, "x".getBytes(StandardCharsets.UTF_8)),
                Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {7})));
        Ttlv data = Msg.payload(gcm).required(Tags.DATA);
        assertEquals(Reason.CRYPTOGRAPHIC_FAILURE.code, Msg.reason(one(ALICE, 200,
                Msg.item(Op.DECRYPT, Msg.uid(id), data, Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {8})))));
        assertEquals(Reason.CRYPTOGRAPHIC_FAILURE.code, Msg.reason(one(ALICE, 200,
                Msg.item(Op.DECRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, "not a ciphertext".getBytes(StandardCharsets.UTF_8))))));
        Ttlv ok = one(ALICE, 200, Msg.item(Op.DECRYPT, Msg.uid(id), data, Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {7})));
        assertEquals("x", new String(Msg.payload(ok).required(Tags.DATA).asBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void locate_filtersByStateLengthAndName_withOffsetAndMaximum() {
        String a = create(BOB, Msg.create2(128, "loc-a"));
        String b = create(BOB, Msg.create2(256, "loc-b"));
        String c = create(BOB, Msg.create2(256, null));
        one(BOB, 200, Msg.item(Op.ACTIVATE, Msg.uid(c)));
        List<String> all = sorted(a, b, c); // Locate answers in id order
        assertEquals(all, located(BOB));
        assertEquals(sorted(b, c), located(BOB, Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 256)));
        assertEquals(List.of(c), located(BOB, Ttlv.enumeration(Tags.STATE, Enums.ACTIVE)));
        assertEquals(List.of(a), located(BOB, KeyObjects.name(Tags.NAME, "loc-a")));
        assertEquals(List.of(), located(BOB, KeyObjects.name(Tags.NAME, "no such name?")));
        assertEquals(List.of(), located(BOB, Ttlv.enumeration(Tags.OBJECT_TYPE, 7)));
        Ttlv page = Msg.payload(one(BOB, 200, Msg.item(Op.LOCATE, Ttlv.integer(Tags.MAXIMUM_ITEMS, 1),
                Ttlv.integer(Tags.OFFSET_ITEMS, 1))));
        assertEquals(List.of(all.get(1)), page.all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList());
    }

    static List<String> sorted(String... ids) {
        return java.util.Arrays.stream(ids).sorted().toList();
    }

    static List<String> located(Principal p, Ttlv... filters) {
        Ttlv r = one(p, 200, Msg.item(Op.LOCATE, Ttlv.structure(Tags.ATTRIBUTES, List.of(filters))));
        assertEquals(Enums.SUCCESS, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.payload(r).all(Tags.UNIQUE_IDENTIFIER).stream().map(Ttlv::asText).toList();
    }

    @Test
    void aRestGrant_letsAnotherUserEncrypt_butNotGetOrDestroy_andOtherAlgorithmsAreNotServed() {
        String id = create(ALICE, Msg.create2(256, null));
        one(ALICE, 200, Msg.item(Op.ACTIVATE, Msg.uid(id)));
        assertEquals(Reason.ITEM_NOT_FOUND.code, Msg.reason(one(BOB, 200,
                Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, new byte[1])))));
        assertEquals(200, aliceRest.put("/v1/keys/" + id + "/grants/bob", Map.of("operations", List.of("encrypt"))).status());
        assertEquals(Enums.SUCCESS, Msg.status(one(BOB, 200,
                Msg.item(Op.ENCRYPT, Msg.uid(id), Ttlv.bytes(Tags.DATA, new byte[1])))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(BOB, 200, Msg.item(Op.GET, Msg.uid(id)))));
        assertEquals(Reason.PERMISSION_DENIED.code, Msg.reason(one(BOB, 200, Msg.item(Op.DESTROY, Msg.uid(id)))));

        String chacha = aliceRest.post("/v1/keys", Map.of("algorithm", "chacha20-poly1305")).str("id");
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, Msg.reason(one(ALICE, 200,
                Msg.item(Op.GET_ATTRIBUTES, Msg.uid(chacha)))));
        assertFalse(located(ALICE).contains(chacha));
    }

    @Test
    void itemsWithoutAnObject_andWithoutAPlaceholder_areInvalidField() {
        assertEquals(Reason.INVALID_FIELD.code, Msg.reason(one(ALICE, 200, Msg.item(Op.ACTIVATE))));
        List<Ttlv> batch = run(ALICE, 200, Msg.create2(128, null), Msg.item(Op.GET_ATTRIBUTES), Msg.item(Op.ACTIVATE));
        String made = Msg.payload(batch.get(0)).required(Tags.UNIQUE_IDENTIFIER).asText();
        assertEquals(made, Msg.payload(batch.get(1)).required(Tags.UNIQUE_IDENTIFIER).asText());
        assertEquals(Enums.ACTIVE, state(made));
    }
}
