package keyward.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FieldsTest {

    private static Fields fields(String json) {
        return Fields.of(Json.parse(json, Json.Limits.DEFAULT));
    }

    private static String refusal(Executable e) {
        return assertThrows(JsonException.class, e).getMessage();
    }

    @Test
    void of_nonObjectBody_isRefused() {
        assertEquals("request body must be a JSON object", refusal(() -> fields("[1]")));
        assertEquals("batch[3] must be a JSON object", refusal(() -> Fields.of("x", "batch[3]")));
    }

    @Test
    void getters_returnTypedValuesAndDefaults() {
        Fields f = fields("{\"name\":\"k\",\"exportable\":true,\"bits\":256,\"tags\":[\"a\",\"b\"],"
                + "\"attributes\":{\"team\":\"x\"},\"batch\":[1,\"x\"],\"plaintext\":\"aGk=\",\"other\":{}}");
        assertEquals("k", f.string("name"));
        assertEquals("k", f.requiredString("name"));
        assertTrue(f.bool("exportable", false));
        assertEquals(256, f.longValue("bits", 128, 128, 512));
        assertEquals(256L, f.optionalLong("bits", 0, 1000));
        assertEquals(List.of("a", "b"), f.stringList("tags"));
        assertEquals(Map.of("team", "x"), f.stringMap("attributes"));
        assertEquals(List.of(1L, "x"), f.list("batch"));
        assertArrayEquals("hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII), f.requiredBase64("plaintext"));
        assertEquals(Map.of(), f.raw("other"));
        f.finish();
    }

    @Test
    void optionalGetters_absentOrNull_giveNullOrDefault() {
        Fields f = fields("{\"a\":null}");
        for (String name : List.of("a", "b")) {
            assertNull(f.string(name));
            assertFalse(f.bool(name, false));
            assertEquals(9, f.longValue(name, 9, 0, 1));
            assertNull(f.optionalLong(name, 0, 1));
            assertNull(f.base64(name));
            assertNull(f.stringList(name));
            assertNull(f.stringMap(name));
            assertNull(f.list(name));
        }
        assertSame(Json.NULL, f.raw("a"));
        assertNull(f.raw("b"));
        assertTrue(f.has("a"));
        assertFalse(f.has("b"));
        f.finish();
    }

    @Test
    void requiredGetters_absentOrNull_nameTheMissingField() {
        assertEquals("missing field 'algorithm'", refusal(() -> fields("{}").requiredString("algorithm")));
        assertEquals("missing field 'plaintext'", refusal(() -> fields("{\"plaintext\":null}").requiredBase64("plaintext")));
    }

    @Test
    void wrongTypes_areRefusedNamingTheFieldButNotTheValue() {
        Fields f = fields("{\"s\":\"secret-value\",\"n\":12345,\"b\":\"true\",\"f\":1.5,\"big\":99999999999999999999}");
        assertEquals("field 'n' must be a string", refusal(() -> f.string("n")));
        assertEquals("field 'b' must be true or false", refusal(() -> f.bool("b", false)));
        assertEquals("field 's' must be an integer in 0..10", refusal(() -> f.longValue("s", 1, 0, 10)));
        assertEquals("field 'f' must be an integer in 0..10", refusal(() -> f.optionalLong("f", 0, 10)));
        assertEquals("field 'big' must be an integer in 0..10", refusal(() -> f.optionalLong("big", 0, 10)));
        assertEquals("field 'n' must be an integer in 0..10", refusal(() -> f.longValue("n", 1, 0, 10)));
        assertEquals("field 's' must be a list of strings", refusal(() -> f.stringList("s")));
        assertEquals("field 's' must be an object whose values are strings", refusal(() -> f.stringMap("s")));
        assertEquals("field 's' must be a list", refusal(() -> f.list("s")));
        assertEquals("field 'n' must be a string", refusal(() -> f.base64("n")));
        assertEquals("field 's' is not valid base64", refusal(() -> f.base64("s")));
    }

    @Test
    void listsAndMaps_withNonStringMembers_areRefused() {
        Fields f = fields("{\"tags\":[\"a\",1],\"attributes\":{\"a\":\"x\",\"b\":null}}");
        assertEquals("field 'tags' must be a list of strings", refusal(() -> f.stringList("tags")));
        assertEquals("field 'attributes' must be an object whose values are strings",
                refusal(() -> f.stringMap("attributes")));
    }

    @Test
    void returnedCollections_areUnmodifiable() {
        Fields f = fields("{\"tags\":[\"a\"],\"attributes\":{\"a\":\"x\"},\"batch\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> f.stringList("tags").add("b"));
        assertThrows(UnsupportedOperationException.class, () -> f.stringMap("attributes").put("b", "y"));
        assertThrows(UnsupportedOperationException.class, () -> f.list("batch").add(2L));
    }

    @Test
    void base64_isStrictStandardWithPadding() {
        for (String ok : List.of("", "AA==", "AAA=", "AAAA", "+/+/", "aGVsbG8=")) {
            fields("{\"p\":\"" + ok + "\"}").base64("p");
        }
        for (String bad : List.of("A", "AA", "AAA", "AA=", "A===", "====", "AB==", "AAB=", "-_-_", "AA==AA==",
                "AA AA", "AA\\nAA", "aGVsbG8", "=AAA", "AA=A")) {
            assertEquals("field 'p' is not valid base64",
                    refusal(() -> fields("{\"p\":\"" + bad + "\"}").base64("p")), bad);
        }
    }

    @Test
    void finish_unknownMember_isNamed() {
        Fields f = fields("{\"name\":\"k\",\"nmae\":\"x\",\"zzz\":1}");
        f.string("name");
        assertEquals("unknown field 'nmae'", refusal(f::finish));
    }

    @Test
    void finish_memberOnlyCheckedWithHas_isStillUnknown() {
        Fields f = fields("{\"digest\":\"AA==\"}");
        assertTrue(f.has("digest"));
        assertEquals("unknown field 'digest'", refusal(f::finish));
    }

    @Test
    void finish_hostileUnknownName_isShortenedAndMadePrintable() {
        Fields f = fields("{\"a\\n'b\\u00e9" + "x".repeat(200) + "\":1}");
        String msg = refusal(f::finish);
        assertEquals("unknown field 'a??b?" + "x".repeat(59) + "...'", msg);
    }

    @Test
    void nestedFields_nameThePlace() {
        Object item = ((List<?>) Json.parse("[{\"plaintext\":\"!!\",\"x\":1}]", Json.Limits.DEFAULT)).get(0);
        Fields f = Fields.of(item, "batch[3]");
        assertEquals("field 'batch[3].plaintext' is not valid base64", refusal(() -> f.requiredBase64("plaintext")));
        assertEquals("missing field 'batch[3].aad'", refusal(() -> f.requiredBase64("aad")));
        assertEquals("unknown field 'batch[3].x'", refusal(f::finish));
    }
}
