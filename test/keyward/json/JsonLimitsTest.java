package keyward.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLimitsTest {

    private static final Json.Limits SMALL = new Json.Limits(3, 5, 100);

    @Test
    void defaults_are64Levels1MiBStrings1MiBDocuments() {
        assertEquals(new Json.Limits(64, 1 << 20, 1 << 20), Json.Limits.DEFAULT);
    }

    @Test
    void parse_deeplyNestedArray_isRefusedWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String msg = assertThrows(JsonException.class, () -> Json.parse(deep, new Json.Limits(64, 10, 1 << 20)))
                .getMessage();
        assertEquals("JSON nested deeper than 64 levels at offset 64", msg);
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":".repeat(100_000), Json.Limits.DEFAULT));
    }

    @Test
    void parse_nestingAtTheLimit_isAccepted() {
        assertEquals(List.of(List.of(List.of())), Json.parse("[[[]]]", SMALL));
        assertThrows(JsonException.class, () -> Json.parse("[[[[]]]]", SMALL));
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":{\"b\":[{}]}}", SMALL));
    }

    @Test
    void parse_nestingDeeperThanTheInitialStack_works() {
        Json.Limits roomy = new Json.Limits(1000, 10, 1 << 20);
        Object v = Json.parse("[".repeat(500) + "{\"k\":1}" + "]".repeat(500), roomy);
        for (int i = 0; i < 500; i++) {
            v = ((List<?>) v).get(0);
        }
        assertEquals(java.util.Map.of("k", 1L), v);
    }

    @Test
    void parse_stringAtTheLimit_isAcceptedAndOneMoreIsRefused() {
        assertEquals("abcde", Json.parse("\"abcde\"", SMALL));
        assertEquals("\u00e9\u00e9\u00e9\u00e9\u00e9", Json.parse("\"\u00e9\u00e9\u00e9\u00e9\u00e9\"", SMALL));
        assertEquals("\\\\\\\\\\", Json.parse("\"\\\\\\\\\\\\\\\\\\\\\"", SMALL));
        for (String s : List.of("\"abcdef\"", "\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\"", "\"ab\\ncdef\"",
                "{\"abcdef\":1}")) {
            String msg = assertThrows(JsonException.class, () -> Json.parse(s, SMALL)).getMessage();
            assertTrue(msg.startsWith("JSON string longer than 5 characters"), msg);
        }
    }

    @Test
    void parse_documentOverTheLimit_isRefusedBeforeParsing() {
        byte[] doc = ("[" + "1,".repeat(60) + "1]").getBytes(StandardCharsets.UTF_8);
        String msg = assertThrows(JsonException.class, () -> Json.parse(doc, SMALL)).getMessage();
        assertEquals("JSON document larger than 100 bytes", msg);
        assertThrows(JsonException.class, () -> Json.parse(new String(doc, StandardCharsets.UTF_8), SMALL));
        // 50 two-byte characters are 100 bytes plus quotes: over the limit although 52 chars.
        assertThrows(JsonException.class, () -> Json.parse("\"" + "\u00e9".repeat(50) + "\"",
                new Json.Limits(3, 1000, 100)));
    }

    @Test
    void parse_valuesAtTheLimit_areAcceptedAndOneMoreIsRefusedNamingTheLimit() {
        Json.Limits four = new Json.Limits(8, 10, 1000, 4);
        assertEquals(List.of(1L, List.of(), java.util.Map.of()), Json.parse("[1,[],{}]", four));
        String msg = assertThrows(JsonException.class, () -> Json.parse("[1,[],{},null]", four)).getMessage();
        assertEquals("JSON document holds more than 4 values at offset 9", msg);
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}", four));
        assertEquals(java.util.Map.of("a", java.util.Map.of("b", java.util.Map.of("c", 1L))),
                Json.parse("{\"a\":{\"b\":{\"c\":1}}}", four));
    }

    @Test
    void limits_forABody_takeStringsAndDocumentsThatLarge_andOneValuePer64BytesButNoFewerThan8192() {
        assertEquals(new Json.Limits(64, 4 << 20, 4 << 20, 65_536), Json.Limits.forBody(4 << 20));
        assertEquals(16_384, Json.Limits.forBody(1 << 20).maxValues());
        assertEquals(16_384, Json.Limits.DEFAULT.maxValues());
        assertEquals(8_192, Json.Limits.forBody(1024).maxValues());
    }

    @Test
    void parse_aDocumentOfEmptyObjects_stopsAtTheValueLimit() {
        // 1 MiB of [{},{},...] would be 350,000 maps without the value limit
        byte[] doc = ("[" + "{},".repeat(349_000) + "{}]").getBytes(StandardCharsets.UTF_8);
        String msg = assertThrows(JsonException.class, () -> Json.parse(doc, Json.Limits.DEFAULT)).getMessage();
        assertTrue(msg.startsWith("JSON document holds more than 16384 values"), msg);
    }

    @Test
    void limits_refuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Json.Limits(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Json.Limits(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Json.Limits(1, 1, 1, 0));
    }
}
