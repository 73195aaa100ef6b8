package keyward.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParseTest {

    private static Object parse(String s) {
        return Json.parse(s, Json.Limits.DEFAULT);
    }

    private static String refusal(String s) {
        return assertThrows(JsonException.class, () -> parse(s)).getMessage();
    }

    private static void assertRefused(String s) {
        refusal(s);
    }

    @Test
    void parse_objectsArraysAndScalars_giveTheDocumentedTypes() {
        Object v = parse(" {\"a\": [1, -2.5, \"x\", true, false, null], \"b\": {}} \n");
        LinkedHashMap<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        ArrayList<?> a = assertInstanceOf(ArrayList.class, m.get("a"));
        assertEquals(1L, a.get(0));
        assertEquals(new BigDecimal("-2.5"), a.get(1));
        assertEquals("x", a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertEquals(Boolean.FALSE, a.get(4));
        assertSame(Json.NULL, a.get(5));
        assertEquals(Map.of(), m.get("b"));
        assertEquals("null", Json.NULL.toString());
    }

    @Test
    void parse_objectMembers_keepDocumentOrder() {
        Map<?, ?> m = (Map<?, ?>) parse("{\"z\":1,\"a\":2,\"m\":3}");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
    }

    @Test
    void parse_scalarsAtTopLevel_areAccepted() {
        assertEquals("s", parse("\"s\""));
        assertEquals(7L, parse(" 7 "));
        assertSame(Json.NULL, parse("null"));
        assertEquals(List.of(), parse("[]"));
    }

    @Test
    void parse_numberEdgeCases_giveLongOrBigDecimal() {
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
        assertEquals(new BigDecimal("9223372036854775808"), parse("9223372036854775808"));
        assertEquals(new BigDecimal("-9223372036854775809"), parse("-9223372036854775809"));
        assertEquals(0L, parse("-0"));
        assertEquals(0L, parse("0"));
        assertEquals(new BigDecimal("1e400"), parse("1e400"));
        assertEquals(new BigDecimal("1E+2"), parse("1E+2"));
        assertEquals(new BigDecimal("1.0"), parse("1.0"));
        assertEquals(new BigDecimal("-0.0e-5"), parse("-0.0e-5"));
        assertEquals(new BigDecimal("123456789012345678"), new BigDecimal(parse("123456789012345678").toString()));
    }

    @Test
    void parse_hugeExponentOrOverlongNumber_isRefusedCleanly() {
        assertTrue(refusal("1e99999999999").contains("number out of range"));
        assertTrue(refusal("1" + "0".repeat(1000)).contains("number longer than"));
    }

    @Test
    void parse_malformedNumbers_areRefused() {
        for (String s : List.of("01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "0x10",
                "NaN", "Infinity", "-Infinity", "1_000", "[01]", "1.5.5")) {
            assertRefused(s);
        }
    }

    @Test
    void parse_trailingCommasAndComments_areRefused() {
        for (String s : List.of("[1,]", "{\"a\":1,}", "[,1]", "[1,,2]", "{,}", "// c\n1", "/* c */1",
                "[1 /* c */]", "{\"a\" 1}", "{a:1}", "{'a':1}", "['a']", "{\"a\":}", "{\"a\"}", "[1 2]")) {
            assertRefused(s);
        }
    }

    @Test
    void parse_trailingGarbageOrNothing_isRefused() {
        for (String s : List.of("", "  ", "1 2", "{} {}", "[]x", "truex", "nul", "tru", "True", "\"a\"\"b\"",
                "[", "{", "[1", "{\"a\":1", "\"abc", "\uFEFF1")) {
            assertRefused(s);
        }
    }

    @Test
    void parse_errorMessage_namesOffsetAndExpectation() {
        assertEquals("malformed JSON at offset 5: expected ':'", refusal("{\"a\" 1}"));
        assertEquals("malformed JSON at offset 0: unexpected end of input", refusal(""));
        assertEquals("malformed JSON at offset 3: unexpected data after the document", refusal("[] x"));
    }

    @Test
    void parse_errorMessages_neverEchoDocumentContent() {
        String secret = "hunter2-secret";
        for (String s : List.of("{\"" + secret + "\":1,\"" + secret + "\":2}", "[\"" + secret + "\u0001\"]",
                secret, "{\"" + secret + "\" 1}", "[\"" + secret + "\\x\"]")) {
            assertFalse(refusal(s).contains("hunter2"), s);
        }
    }

    @Test
    void parse_duplicateMemberNames_areRefused() {
        assertTrue(refusal("{\"a\":1,\"b\":2,\"a\":3}").contains("duplicate member name"));
        assertRefused("{\"a\":1,\"\\u0061\":3}");
    }

    @Test
    void parse_escapes_areDecoded() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\u0000", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\u0000\""));
        assertEquals("\uD83D\uDE00", parse("\"\\ud83d\\ude00\""));
    }

    @Test
    void parse_invalidEscapes_areRefused() {
        for (String s : List.of("\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\'\"", "\"\\", "\"\\u")) {
            assertRefused(s);
        }
    }

    @Test
    void parse_loneSurrogateEscapes_areRefused() {
        for (String s : List.of("\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"",
                "\"\\ud83d\\ud83d\"", "\"\\ude00\\ud83d\"")) {
            assertTrue(refusal(s).contains("surrogate"), s);
        }
    }

    @Test
    void parse_rawControlCharactersInStrings_areRefused() {
        for (char c = 0; c < 0x20; c++) {
            assertTrue(refusal("\"a" + c + "b\"").contains("control character"), "char " + (int) c);
        }
        assertEquals("\u007f", parse("\"\u007f\""));
    }

    @Test
    void parse_utf8_isDecodedIncludingSupplementaryCharacters() {
        String text = "h\u00e9llo \u20ac \uD83D\uDE00 \u4e2d";
        assertEquals(text, Json.parse(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8), Json.Limits.DEFAULT));
        assertEquals(Map.of(text, text), parse("{\"" + text + "\":\"" + text + "\"}"));
    }

    @Test
    void parse_invalidUtf8_isRefused() {
        int[][] bad = {
            {0x80}, {0xBF}, {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80},
            {0xF0, 0x80, 0x80, 0xAF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xFF},
            {0xC3}, {0xE2, 0x82}, {0xC3, 0x28}, {0xE2, 0x28, 0xA1},
        };
        for (int[] seq : bad) {
            byte[] doc = new byte[seq.length + 2];
            doc[0] = '"';
            for (int i = 0; i < seq.length; i++) {
                doc[i + 1] = (byte) seq[i];
            }
            doc[doc.length - 1] = '"';
            String msg = assertThrows(JsonException.class, () -> Json.parse(doc, Json.Limits.DEFAULT)).getMessage();
            assertTrue(msg.contains("invalid UTF-8"), msg);
        }
        assertThrows(JsonException.class, () -> Json.parse(new byte[] {(byte) 0xC3, (byte) 0xA9}, Json.Limits.DEFAULT));
    }

    @Test
    void parse_textWithUnpairedSurrogate_isRefused() {
        assertThrows(JsonException.class, () -> parse("\"\uD800\""));
    }

    @Test
    void parse_surroundingWhitespace_isAllowed() {
        assertEquals(List.of(1L, 2L), parse(" \t\r\n[ 1 ,\n\t2 ] \r\n"));
        assertRefused("\u000b1");
        assertRefused("\u00a01");
    }
}
