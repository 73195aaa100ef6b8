package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TomlTest {

    private static Map<String, Object> parse(String text) {
        return Toml.parse(text, "file t.toml").root();
    }

    private static String refusal(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parse_keysValuesAndComments_giveTypedValues() {
        Map<String, Object> m = parse("# comment\n"
                + "a = \"x\"  # trailing comment\n"
                + "\n"
                + "  b=42\n"
                + "c = -1_000_000\n"
                + "d = true\n"
                + "e = false\n"
                + "f = 'C:\\path\\no escapes'\n"
                + "\"quoted key\" = 1\n"
                + "'literal key' = 2\n"
                + "g = \"#not a comment\"\n"
                + "dash-key_1 = +7\n"
                + "z = 0\n");
        assertEquals("x", m.get("a"));
        assertEquals(42L, m.get("b"));
        assertEquals(-1_000_000L, m.get("c"));
        assertEquals(true, m.get("d"));
        assertEquals(false, m.get("e"));
        assertEquals("C:\\path\\no escapes", m.get("f"));
        assertEquals(1L, m.get("quoted key"));
        assertEquals(2L, m.get("literal key"));
        assertEquals("#not a comment", m.get("g"));
        assertEquals(7L, m.get("dash-key_1"));
        assertEquals(0L, m.get("z"));
    }

    @Test
    void parse_basicStringEscapes_areDecoded() {
        assertEquals("q\"b\\t\tn\nr\ru\u00e9U\uD83D\uDE00b\bf\f",
                parse("s = \"q\\\"b\\\\t\\tn\\nr\\ru\\u00e9U\\U0001F600b\\bf\\f\"").get("s"));
    }

    @Test
    void parse_tableHeadersWithQuotedDottedSegments_nestTables() {
        Map<String, Object> m = parse("top = 1\n[replication]\norigin = \"repl://a:1\"\n"
                + "[replication.\"repl://node-b:8444\"]\ntype = \"pull\"\n"
                + "[ other . 'x.y' ]\nk = 'v'\n");
        assertEquals(1L, m.get("top"));
        Map<?, ?> repl = (Map<?, ?>) m.get("replication");
        assertEquals("repl://a:1", repl.get("origin"));
        assertEquals(Map.of("type", "pull"), repl.get("repl://node-b:8444"));
        assertEquals(Map.of("x.y", Map.of("k", "v")), m.get("other"));
    }

    @Test
    void parse_dottedKeys_createTables() {
        assertEquals(Map.of("a", Map.of("b", 1L, "c", 2L)), parse("a.b = 1\na.c = 2\n"));
    }

    @Test
    void parse_arrays_mayBeMultiLineWithCommentsAndTrailingComma() {
        Map<String, Object> m = parse("a = []\nb = [\"x\", 'y']\nc = [\n  1,  # one\n  2,\n\n]\nd = [ \"z\" , ]\n");
        assertEquals(List.of(), m.get("a"));
        assertEquals(List.of("x", "y"), m.get("b"));
        assertEquals(List.of(1L, 2L), m.get("c"));
        assertEquals(List.of("z"), m.get("d"));
    }

    @Test
    void parse_crlfLineEnds_areAccepted() {
        assertEquals(Map.of("a", 1L, "b", 2L), parse("a = 1\r\nb = 2\r\n"));
    }

    @Test
    void parse_duplicateKeyOrTable_isRefusedWithItsLine() {
        assertEquals("config: file t.toml line 3: duplicate key 'a'", refusal("a = 1\n\na = 2\n"));
        assertEquals("config: file t.toml line 4: duplicate key 't.a'", refusal("[t]\na = 1\n# c\na = 2\n"));
        assertEquals("config: file t.toml line 3: table [t] defined twice", refusal("[t]\nx = 1\n[t]\n"));
        assertTrue(refusal("a = 1\n[a]\n").contains("line 2"));
        assertTrue(refusal("a = 1\na.b = 2\n").contains("line 2"));
    }

    @Test
    void parse_aTableMadeByDottedKeysThenNamedByAHeader_isRefusedWithItsLine() {
        assertEquals("config: file t.toml line 3: table [a] was already defined by dotted keys",
                refusal("a.b = 1\n\n[a]\n"));
        assertTrue(refusal("[t]\na.b.c = 1\n[t.a.b]\n").startsWith("config: file t.toml line 3: table [t.a.b]"));
        assertEquals("config: file t.toml line 4: 'a.b' was already defined by a table header",
                refusal("[a.b]\nx = 1\n[a]\nb.y = 2\n"));
        // sub-tables of a dotted table, and dotted keys under an implicit table, stay allowed
        assertEquals(Map.of("a", Map.of("b", 1L, "c", Map.of("d", 2L))), parse("a.b = 1\n[a.c]\nd = 2\n"));
        assertEquals(Map.of("a", Map.of("b", Map.of("c", Map.of("z", 1L), "d", 2L))),
                parse("[a.b.c]\nz = 1\n[a]\nb.d = 2\n"));
    }

    @Test
    void parse_unicodeEscapeBeyondIntRange_isAConfigErrorNamingTheLine() {
        assertEquals("config: file t.toml line 2: invalid unicode escape", refusal("a = 1\nb = \"\\UFFFFFFFF\"\n"));
        assertEquals("config: file t.toml line 1: invalid unicode escape", refusal("b = \"\\U80000000\"\n"));
    }

    @Test
    void parse_unicodeEscapeWithNonAsciiDigits_isRefused() {
        // Arabic-Indic, fullwidth and Devanagari digits are digits to Character.digit, not hex digits to TOML
        for (String digits : List.of("\u0660\u0661\u0662\u0663", "\uff10\uff10\uff14\uff11", "00\u0966\u0967")) {
            assertEquals("config: file t.toml line 1: invalid unicode escape", refusal("a = \"\\u" + digits + "\"\n"), digits);
        }
        assertEquals("\u00e9\u00c9", parse("a = \"\\u00e9\\u00C9\"").get("a"));
    }

    @Test
    void parse_arraysNestedTooDeep_areRefusedNotOverflowed() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        assertEquals("config: file t.toml line 2: arrays nested deeper than " + Toml.MAX_ARRAY_DEPTH + " levels",
                refusal("x = 1\na = " + deep + "\n"));
        int max = Toml.MAX_ARRAY_DEPTH;
        assertEquals(List.of(List.of()), parse("a = [[]]").get("a"));
        assertEquals(1, ((List<?>) parse("a = " + "[".repeat(max) + "]".repeat(max)).get("a")).size());
        assertTrue(refusal("a = " + "[".repeat(max + 1) + "]".repeat(max + 1)).contains("nested deeper"));
    }

    @Test
    void parse_syntaxErrors_nameTheLine() {
        assertEquals("config: file t.toml line 2: expected '='", refusal("a = 1\nb 2\n"));
        assertEquals("config: file t.toml line 1: expected the end of the line", refusal("a = 1 2\n"));
        assertEquals("config: file t.toml line 3: unterminated string", refusal("\n\na = \"x\n\"\n"));
        assertEquals("config: file t.toml line 4: expected ',' or ']' in array", refusal("a = [\n1,\n2\n3]\n"));
        assertTrue(refusal("x = 1\n[t\n").startsWith("config: file t.toml line 2:"));
    }

    @Test
    void parse_unsupportedOrInvalidValues_areRefused() {
        for (String text : List.of("a = 1.5", "a = 1e3", "a = 1979-05-27", "a = {x = 1}", "[[t]]",
                "a = \"\"\"x\"\"\"", "a = '''x'''", "a = bare", "a = 01", "a = 1__0", "a = _1", "a = 1_",
                "a = 0x10", "a = 99999999999999999999", "a = \"\\x\"", "a = \"\\u12\"", "a = \"\\uD800\"",
                "a = \"\\U00110000\"", "a = \"\\u+123\"", "a =", "= 1", "a = \"x\u0001\"", "a = 'x\u007f'",
                "a = 1\rb = 2", "a = TRUE", "a = [1", "a = 1 # \u0000")) {
            assertThrows(ConfigException.class, () -> parse(text), text);
        }
    }

    @Test
    void parse_emptyOrCommentOnlyText_givesAnEmptyTable() {
        assertEquals(Map.of(), parse(""));
        assertEquals(Map.of(), parse("# only\n\n   # comments\n"));
        assertEquals(Map.of("a", 1L), parse("a = 1"));
    }

    @Test
    void parse_linesOfKeysAndTables_areRecorded() {
        Toml.Document doc = Toml.parse("a = 1\n\n[t]\n\nb = [\n1,\n]\nc = 2\n", "x");
        assertEquals(1, doc.line(List.of("a")));
        assertEquals(3, doc.line(List.of("t")));
        assertEquals(5, doc.line(List.of("t", "b")));
        assertEquals(8, doc.line(List.of("t", "c")));
        assertEquals(0, doc.line(List.of("nope")));
    }
}
