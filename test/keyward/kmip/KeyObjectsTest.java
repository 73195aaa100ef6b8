package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import org.junit.jupiter.api.Test;

/** The mapping of Keyward keys onto KMIP objects (docs/kmip.md's tables), without a server. */
class KeyObjectsTest {
    static KeyRecord key(String algorithm, KeyState state, KeyState before, Map<String, String> attributes) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = "01890000-0000-7000-8000-000000000001";
        b.algorithm = algorithm;
        b.state = state;
        b.stateBeforeDestroy = before;
        b.owner = "alice";
        b.attributes = attributes;
        b.createdAt = Instant.ofEpochSecond(1_800_000_000L);
        b.updatedAt = Instant.ofEpochSecond(1_800_000_100L);
        b.rotatedAt = b.createdAt;
        return b.build();
    }

    @Test
    void state_mapsEveryKeywardState() {
        Map<String, String> pre = Map.of(KeyObjects.STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
        assertEquals(Enums.PRE_ACTIVE, KeyObjects.state(key("aes-256-gcm", KeyState.ACTIVE, null, pre)));
        assertEquals(Enums.ACTIVE, KeyObjects.state(key("aes-256-gcm", KeyState.ACTIVE, null, Map.of())));
        assertEquals(Enums.DEACTIVATED, KeyObjects.state(key("aes-256-gcm", KeyState.DEACTIVATED, null, pre)));
        assertEquals(Enums.COMPROMISED, KeyObjects.state(key("aes-256-gcm", KeyState.COMPROMISED, null, Map.of())));
        assertEquals(Enums.DESTROYED, KeyObjects.state(key("aes-256-gcm", KeyState.PENDING_DESTRUCTION, KeyState.ACTIVE,
                Map.of())));
        assertEquals(Enums.DESTROYED_COMPROMISED, KeyObjects.state(key("aes-256-gcm", KeyState.PENDING_DESTRUCTION,
                KeyState.COMPROMISED, Map.of())));
        assertEquals(Enums.DESTROYED, KeyObjects.state(key("aes-256-gcm", KeyState.DESTROYED, null, Map.of())));
    }

    @Test
    void attributes_ofAnAesKey_withTheUsageMaskAndDates() {
        Map<String, String> a = new HashMap<>(KeyObjects.createAttributes(Enums.USAGE_ENCRYPT));
        Map<Integer, Ttlv> attrs = KeyObjects.attributes(key("aes-128-gcm", KeyState.ACTIVE, null, a), false);
        assertEquals(128, attrs.get(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        assertEquals(Enums.USAGE_ENCRYPT, attrs.get(Tags.CRYPTOGRAPHIC_USAGE_MASK).asInt());
        assertEquals(1_800_000_000L, attrs.get(Tags.INITIAL_DATE).asLong());
        assertEquals(1_800_000_100L, attrs.get(Tags.LAST_CHANGE_DATE).asLong());
        assertTrue(!attrs.containsKey(Tags.NAME) && !attrs.containsKey(Tags.EXTRACTABLE));
        a.put(KeyObjects.USAGE_ATTRIBUTE, "edited over REST");
        assertEquals(KeyObjects.DEFAULT_USAGE, KeyObjects.usageMask(key("aes-128-gcm", KeyState.ACTIVE, null, a)));
    }

    @Test
    void onlyAesKeys_areServed() {
        assertEquals(256, KeyObjects.aesBits(key("aes-256-gcm", KeyState.ACTIVE, null, Map.of())));
        for (String other : List.of("chacha20-poly1305", "hmac-sha256", "rsa-2048", "ed25519", "secret")) {
            assertEquals(0, KeyObjects.aesBits(key(other, KeyState.ACTIVE, null, Map.of())));
            KmipException e = assertThrows(KmipException.class,
                    () -> KeyObjects.requireAes(key(other, KeyState.ACTIVE, null, Map.of())));
            assertEquals(Reason.FEATURE_NOT_SUPPORTED, e.reason());
        }
    }

    @Test
    void v1Names_matchTheSpecification_bothWays() {
        assertEquals("Cryptographic Usage Mask", KeyObjects.spaced(Tags.name(Tags.CRYPTOGRAPHIC_USAGE_MASK)));
        assertEquals("Unique Identifier", KeyObjects.spaced(Tags.name(Tags.UNIQUE_IDENTIFIER)));
        for (int tag : List.of(Tags.UNIQUE_IDENTIFIER, Tags.OBJECT_TYPE, Tags.CRYPTOGRAPHIC_ALGORITHM,
                Tags.CRYPTOGRAPHIC_LENGTH, Tags.CRYPTOGRAPHIC_USAGE_MASK, Tags.STATE, Tags.NAME, Tags.INITIAL_DATE,
                Tags.LAST_CHANGE_DATE, Tags.EXTRACTABLE, Tags.SENSITIVE)) {
            assertEquals(tag, KeyObjects.tagOfName(KeyObjects.spaced(Tags.name(tag))));
        }
        assertEquals(-1, KeyObjects.tagOfName("x-custom"));
        assertEquals(-1, KeyObjects.tagOfName("0x420094"));
    }

    @Test
    void given_readsTheAttributesOfBothForms_firstValueCounting() {
        Ttlv v2 = Ttlv.structure(Tags.REQUEST_PAYLOAD, List.of(Ttlv.structure(Tags.ATTRIBUTES, List.of(
                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 256), Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 128)))));
        assertEquals(256, KeyObjects.given(v2).known().get(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        Ttlv v1 = Ttlv.structure(Tags.REQUEST_PAYLOAD, List.of(Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, List.of(
                KmipOperationsTest.v1("Cryptographic Length", Ttlv.integer(0, 192)),
                KmipOperationsTest.v1("x-application", Ttlv.text(0, "db"))))));
        KeyObjects.Given g = KeyObjects.given(v1);
        assertEquals(192, g.known().get(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        assertEquals(Tags.CRYPTOGRAPHIC_LENGTH, g.known().get(Tags.CRYPTOGRAPHIC_LENGTH).tag());
        assertEquals(List.of(), g.unknown());
        assertEquals(Map.of("x-application", "db"), g.custom(), "a 1.x custom attribute is the Keyward attribute of its name");
        Ttlv v1Attribute = KeyObjects.v1Attribute(Ttlv.enumeration(Tags.STATE, Enums.ACTIVE));
        assertEquals("State", v1Attribute.required(Tags.ATTRIBUTE_NAME).asText());
        assertEquals(Enums.ACTIVE, v1Attribute.required(Tags.ATTRIBUTE_VALUE).asInt());
    }

    @Test
    void uniqueIdentifiers_nameAKey_orItsPublicHalf() {
        String id = "01890000-0000-7000-8000-00000000000A";
        assertEquals(new KeyObjects.Ref(id.toLowerCase(java.util.Locale.ROOT), false), KeyObjects.parseUid(id).orElseThrow());
        assertEquals(new KeyObjects.Ref(id.toLowerCase(java.util.Locale.ROOT), true),
                KeyObjects.parseUid(id + "-pub").orElseThrow());
        assertTrue(KeyObjects.parseUid("rest-name").isEmpty());
        assertTrue(KeyObjects.parseUid(id + "-pub-pub").isEmpty());
        assertTrue(KeyObjects.parseUid("-pub").isEmpty());
        KeyRecord pair = key("ec-p256", KeyState.ACTIVE, null, Map.of());
        assertEquals(pair.id() + "-pub", new KeyObjects.Obj(pair, true).uid());
        assertEquals(pair.id(), new KeyObjects.Obj(pair, false).uid());
    }

    @Test
    void everyServedAlgorithm_hasItsObjectTypeAlgorithmLengthAndDefaultMask() {
        record Expect(String algorithm, boolean pub, int type, int kmipAlgorithm, int bits, int mask) {
        }
        for (Expect e : List.of(
                new Expect("aes-192-gcm", false, Enums.SYMMETRIC_KEY, Enums.AES, 192, Enums.USAGE_ENCRYPT | Enums.USAGE_DECRYPT),
                new Expect("hmac-sha384", false, Enums.SYMMETRIC_KEY, Enums.HMAC_SHA384, 384,
                        Enums.USAGE_MAC_GENERATE | Enums.USAGE_MAC_VERIFY),
                new Expect("rsa-3072", false, Enums.PRIVATE_KEY, Enums.RSA, 3072, Enums.USAGE_SIGN | Enums.USAGE_DECRYPT),
                new Expect("rsa-3072", true, Enums.PUBLIC_KEY, Enums.RSA, 3072, Enums.USAGE_VERIFY | Enums.USAGE_ENCRYPT),
                new Expect("ec-p521", false, Enums.PRIVATE_KEY, Enums.EC, 521, Enums.USAGE_SIGN),
                new Expect("ed25519", true, Enums.PUBLIC_KEY, Enums.ED25519, 256, Enums.USAGE_VERIFY),
                new Expect("secret", false, Enums.SECRET_DATA, 0, 0, 0))) {
            KeyRecord k = key(e.algorithm(), KeyState.ACTIVE, null, Map.of());
            assertEquals(e.type(), KeyObjects.objectType(k, e.pub()), e.toString());
            assertEquals(e.kmipAlgorithm(), KeyObjects.kmipAlgorithm(k), e.toString());
            assertEquals(e.bits(), KeyObjects.bits(k), e.toString());
            assertEquals(e.mask(), KeyObjects.usageMask(k, e.pub()), e.toString());
        }
        KeyRecord opaque = key("secret", KeyState.ACTIVE, null, Map.of(KeyObjects.TYPE_ATTRIBUTE, KeyObjects.OPAQUE));
        assertEquals(Enums.OPAQUE_OBJECT, KeyObjects.objectType(opaque, false));
        KmipException chacha = assertThrows(KmipException.class,
                () -> KeyObjects.objectType(key("chacha20-poly1305", KeyState.ACTIVE, null, Map.of()), false));
        assertEquals(Reason.FEATURE_NOT_SUPPORTED, chacha.reason());
        KmipException publicOnly = assertThrows(KmipException.class, () -> KeyObjects.objectType(key("rsa-2048",
                KeyState.ACTIVE, null, Map.of(KeyObjects.TYPE_ATTRIBUTE, KeyObjects.PUBLIC_ONLY)), false));
        assertEquals(Reason.ITEM_NOT_FOUND, publicOnly.reason());
    }

    @Test
    void activationDate_andEachHalfsMark_decideTheState() {
        Instant now = Instant.ofEpochSecond(1_900_000_000L);
        Map<String, String> a = new HashMap<>(Map.of(KeyObjects.STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE,
                keyward.core.Activation.DATE_ATTRIBUTE, Long.toString(now.getEpochSecond() + 1)));
        KeyRecord pair = key("ed25519", KeyState.ACTIVE, null, a);
        assertEquals(Enums.PRE_ACTIVE, KeyObjects.state(pair, false, now));
        assertEquals(Enums.ACTIVE, KeyObjects.state(pair, false, now.plusSeconds(1)), "the date has come");
        assertEquals(Enums.ACTIVE, KeyObjects.state(pair, true, now), "the public half has no mark");
        a.put(KeyObjects.PUBLIC_STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
        assertEquals(Enums.PRE_ACTIVE, KeyObjects.state(key("ed25519", KeyState.ACTIVE, null, a), true, now));
        a.put(keyward.core.Activation.DATE_ATTRIBUTE, "not a date");
        assertEquals(Enums.PRE_ACTIVE, KeyObjects.state(key("ed25519", KeyState.ACTIVE, null, a), false,
                now.plusSeconds(3600)), "an unreadable date: Activate only");
        assertEquals(Enums.DEACTIVATED, KeyObjects.state(key("ed25519", KeyState.DEACTIVATED, null, a), false, now));
    }

    @Test
    void customAttributes_mapBothWays() {
        assertEquals("x-team", CustomAttributes.keywardName("x", "team"));
        assertEquals("acme:owner", CustomAttributes.keywardName("acme", "owner"));
        Ttlv v = CustomAttributes.vendorAttribute("acme:owner", "carol");
        assertEquals("acme", v.required(Tags.VENDOR_IDENTIFICATION).asText());
        assertEquals("owner", v.required(Tags.ATTRIBUTE_NAME).asText());
        assertFalse(CustomAttributes.inV1(v));
        Ttlv x = CustomAttributes.vendorAttribute("x-team", "pay");
        assertEquals("x", x.required(Tags.VENDOR_IDENTIFICATION).asText());
        assertEquals("x-team", CustomAttributes.toV1(x).required(Tags.ATTRIBUTE_NAME).asText());
        assertTrue(CustomAttributes.isCustom("x-team") && CustomAttributes.isCustom("acme:owner"));
        assertFalse(CustomAttributes.isCustom("kmip_state") || CustomAttributes.isCustom("team")
                || CustomAttributes.isCustom("kmip_x:y"));
        KmipException e = assertThrows(KmipException.class, () -> CustomAttributes.text(Ttlv.integer(0, 5), "x-n"));
        assertEquals(Reason.INVALID_FIELD, e.reason());
        assertThrows(KmipException.class, () -> CustomAttributes.keywardName("a:b", "c"));
    }
}
