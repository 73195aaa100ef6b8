package keyward.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriteTest {

    @Test
    void write_values_giveCompactJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "x");
        m.put("n", 1L);
        m.put("i", 2);
        m.put("b", true);
        m.put("z", null);
        m.put("nul", Json.NULL);
        m.put("l", Arrays.asList(1, "a", false, null));
        m.put("o", Map.of());
        assertEquals("{\"s\":\"x\",\"n\":1,\"i\":2,\"b\":true,\"z\":null,\"nul\":null,"
                + "\"l\":[1,\"a\",false,null],\"o\":{}}", Json.write(m));
        assertEquals("null", Json.write(null));
        assertEquals("[]", Json.write(List.of()));
    }

    @Test
    void write_numbers_useExactForms() {
        assertEquals("9223372036854775807", Json.write(Long.MAX_VALUE));
        assertEquals("-9223372036854775808", Json.write(Long.MIN_VALUE));
        assertEquals("1E+400", Json.write(new BigDecimal("1e400")));
        assertEquals("123456789012345678901234567890", Json.write(new BigInteger("123456789012345678901234567890")));
        assertEquals("1.5", Json.write(1.5d));
        assertEquals("7", Json.write((short) 7));
        assertEquals(new BigDecimal("1.0E10"), Json.parse(Json.write(1e10), Json.Limits.DEFAULT));
    }

    @Test
    void write_unsupportedValues_areProgrammingErrors() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new java.util.concurrent.atomic.AtomicLong()));
        Map<Object, Object> intKey = new HashMap<>();
        intKey.put(1, "x");
        assertThrows(IllegalArgumentException.class, () -> Json.write(intKey));
    }

    @Test
    void write_cycle_isRefusedNotStackOverflow() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> Json.write(cycle));
    }

    @Test
    void write_escapesQuotesBackslashAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c/\"", Json.write("a\"b\\c/"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u0001\"", Json.write("\n\r\t\b\f\u0000\u001f\u0001"));
        assertEquals("\"\u007f\"", Json.write("\u007f"));
    }

    @Test
    void write_lineAndParagraphSeparators_areEscaped() {
        assertEquals("\"a\\u2028b\\u2029c\u202a\u2027\"", Json.write("a\u2028b\u2029c\u202a\u2027"));
    }

    @Test
    void write_nonAsciiAndSurrogatePairs_areCopiedAsIs() {
        String s = "\u00e9\u20ac\uD83D\uDE00\uffff";
        assertEquals("\"" + s + "\"", Json.write(s));
        assertArrayEquals(("\"" + s + "\"").getBytes(StandardCharsets.UTF_8), Json.writeBytes(s));
    }

    @Test
    void write_unpairedSurrogates_areEscapedSoTheOutputIsValidUtf8() {
        assertEquals("\"a\\ud800b\\udc00\\ud800\"", Json.write("a\uD800b\uDC00\uD800"));
        assertEquals("\"\\udc00\uD83D\uDE00\"", Json.write("\uDC00\uD83D\uDE00"));
    }

    @Test
    void write_everyBmpCharacter_roundTrips() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < Character.MIN_SURROGATE; c++) {
            sb.append(c);
        }
        for (char c = (char) (Character.MAX_SURROGATE + 1); c != 0; c++) {
            sb.append(c);
        }
        String all = sb.toString();
        Json.Limits limits = new Json.Limits(4, 1 << 20, 1 << 20);
        assertEquals(all, Json.parse(Json.writeBytes(all), limits));
        assertEquals(all, Json.parse(Json.write(all), limits));
    }

    @Test
    void writeThenParse_nestedDocument_roundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keys", List.of(Map.of("id", "k1", "versions", List.of(1L, 2L)), Map.of("id", "k2")));
        m.put("next", Json.NULL);
        m.put("amount", new BigDecimal("-12.50"));
        assertEquals(m, Json.parse(Json.write(m), Json.Limits.DEFAULT));
    }
}
