package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(List.of("x-application"), g.unknown());
        Ttlv v1Attribute = KeyObjects.v1Attribute(Ttlv.enumeration(Tags.STATE, Enums.ACTIVE));
        assertEquals("State", v1Attribute.required(Tags.ATTRIBUTE_NAME).asText());
        assertEquals(Enums.ACTIVE, v1Attribute.required(Tags.ATTRIBUTE_VALUE).asInt());
    }
}
