package keyward.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parser for the TOML subset Keyward's config uses: comments, bare/quoted/dotted keys,
 * {@code key = value}, table headers (quoted segments allowed), basic strings with escapes,
 * literal strings, decimal integers with {@code _}, booleans, and arrays of those (multi-line,
 * trailing comma allowed). Tables become {@code LinkedHashMap<String,Object>}, strings
 * {@code String}, integers {@code Long}, booleans {@code Boolean}, arrays {@code List<Object>}.
 * Anything else (floats, dates, inline tables, arrays of tables, multi-line strings), arrays
 * nested deeper than {@link #MAX_ARRAY_DEPTH}, and every TOML error (duplicate key, table defined
 * twice, by a header or by dotted keys) is a {@link ConfigException} naming the line.
 * One instance parses one text; not thread-safe.
 */
final class Toml {
    /** Deepest nesting of arrays accepted (a plain array is depth 1); Keyward's settings use 1. */
    static final int MAX_ARRAY_DEPTH = 32;

    /** The parsed tables and the line where each key (as its full path) was set. */
    record Document(Map<String, Object> root, Map<List<String>, Integer> lines) {
        int line(List<String> path) {
            return lines.getOrDefault(path, 0);
        }
    }

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<List<String>, Integer> lines = new HashMap<>();
    /** Tables opened by a header; a second header for one of them is an error. */
    private final Set<List<String>> defined = new HashSet<>();
    /** Tables made by dotted keys; a header for one of them is an error. */
    private final Set<List<String>> dotted = new HashSet<>();
    private int arrayDepth;

    private Toml(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses {@code text}; {@code source} (e.g. the file name) starts every error message. */
    static Document parse(String text, String source) {
        Toml toml = new Toml(text, source);
        toml.parseAll();
        return new Document(toml.root, toml.lines);
    }

    private void parseAll() {
        Map<String, Object> table = root;
        List<String> tablePath = List.of();
        while (true) {
            skipBlank();
            if (pos >= text.length()) {
                return;
            }
            char c = text.charAt(pos);
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == '#') {
                skipComment();
            } else if (c == '[') {
                pos++;
                if (peek() == '[') {
                    throw error("arrays of tables are not supported");
                }
                tablePath = keyPath();
                expect(']');
                endOfLine();
                if (dotted.contains(tablePath)) {
                    throw error("table [" + String.join(".", tablePath) + "] was already defined by dotted keys");
                }
                if (!defined.add(tablePath)) {
                    throw error("table [" + String.join(".", tablePath) + "] defined twice");
                }
                table = descend(root, tablePath, tablePath.size());
                lines.put(tablePath, line);
            } else {
                List<String> key = keyPath();
                skipBlank();
                expect('=');
                skipBlank();
                int keyLine = line;
                Object value = value();
                endOfLine();
                Map<String, Object> target = descend(table, key, key.size() - 1);
                String last = key.get(key.size() - 1);
                List<String> full = new ArrayList<>(tablePath);
                for (String segment : key.subList(0, key.size() - 1)) {
                    full.add(segment);
                    if (defined.contains(full)) {
                        line = keyLine;
                        throw error("'" + String.join(".", full) + "' was already defined by a table header");
                    }
                    dotted.add(List.copyOf(full));
                }
                full.add(last);
                if (target.containsKey(last)) {
                    line = keyLine;
                    throw error("duplicate key '" + String.join(".", full) + "'");
                }
                target.put(last, value);
                lines.put(List.copyOf(full), keyLine);
            }
        }
    }

    /** Walks (creating as needed) the tables named by the first {@code count} segments. */
    private Map<String, Object> descend(Map<String, Object> from, List<String> path, int count) {
        Map<String, Object> table = from;
        for (int i = 0; i < count; i++) {
            Object next = table.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
            if (!(next instanceof Map<?, ?>)) {
                throw error("'" + path.get(i) + "' is already a value, not a table");
            }
            @SuppressWarnings("unchecked") // every map in the tree is created here as Map<String,Object>
            Map<String, Object> sub = (Map<String, Object>) next;
            table = sub;
        }
        return table;
    }

    private List<String> keyPath() {
        List<String> path = new ArrayList<>();
        while (true) {
            skipBlank();
            char c = peek();
            if (c == '"') {
                path.add(basicString());
            } else if (c == '\'') {
                path.add(literalString());
            } else {
                int start = pos;
                while (pos < text.length() && isBareKeyChar(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    throw error("expected a key");
                }
                path.add(text.substring(start, pos));
            }
            skipBlank();
            if (peek() != '.') {
                return List.copyOf(path);
            }
            pos++;
        }
    }

    private static boolean isBareKeyChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            return literalString();
        }
        if (c == '[') {
            return array();
        }
        if (c == '{') {
            throw error("inline tables are not supported");
        }
        int start = pos;
        while (pos < text.length() && " \t\r\n#,]".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.equals("true") || word.equals("false")) {
            return Boolean.valueOf(word);
        }
        if (word.isEmpty()) {
            throw error("expected a value");
        }
        return integer(word);
    }

    private Long integer(String word) {
        int i = word.startsWith("+") || word.startsWith("-") ? 1 : 0;
        boolean ok = i < word.length() && !(word.charAt(i) == '0' && word.length() > i + 1);
        boolean lastWasDigit = false;
        for (int j = i; j < word.length() && ok; j++) {
            char c = word.charAt(j);
            if (c >= '0' && c <= '9') {
                lastWasDigit = true;
            } else if (c == '_' && lastWasDigit) {
                lastWasDigit = false;
            } else {
                ok = false;
            }
        }
        if (!ok || !lastWasDigit) {
            throw error("expected a string, an integer, true, false or an array"
                    + " (floats, dates and bare words are not supported)");
        }
        try {
            return Long.parseLong(word.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("integer out of range");
        }
    }

    private List<Object> array() {
        if (++arrayDepth > MAX_ARRAY_DEPTH) {
            throw error("arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels");
        }
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipBlankLinesAndComments();
            if (peek() == ']') {
                pos++;
                arrayDepth--;
                return items;
            }
            items.add(value());
            skipBlankLinesAndComments();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                arrayDepth--;
                return items;
            } else {
                throw error("expected ',' or ']' in array");
            }
        }
    }

    private String basicString() {
        if (text.startsWith("\"\"\"", pos)) {
            throw error("multi-line strings are not supported");
        }
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = stringChar();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = stringChar();
            switch (e) {
                case 'b': sb.append('\b'); break;
                case 't': sb.append('\t'); break;
                case 'n': sb.append('\n'); break;
                case 'f': sb.append('\f'); break;
                case 'r': sb.append('\r'); break;
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case 'u': sb.appendCodePoint(hex(4)); break;
                case 'U': sb.appendCodePoint(hex(8)); break;
                default: throw error("invalid escape in string");
            }
        }
    }

    private String literalString() {
        if (text.startsWith("'''", pos)) {
            throw error("multi-line strings are not supported");
        }
        pos++;
        int start = pos;
        while (stringChar() != '\'') {
            // literal strings have no escapes
        }
        return text.substring(start, pos - 1);
    }

    /** The next character inside a single-line string; control characters other than tab end it. */
    private char stringChar() {
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        char c = text.charAt(pos);
        if (c == '\n' || c == '\r') {
            throw error("unterminated string");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            throw error("control character in string");
        }
        pos++;
        return c;
    }

    /** The Unicode scalar value spelled by the next {@code digits} ASCII hex digits. */
    private int hex(int digits) {
        if (pos + digits > text.length()) {
            throw error("invalid unicode escape");
        }
        long cp = 0;
        for (int i = 0; i < digits; i++) {
            char c = text.charAt(pos + i);
            if (!HexFormat.isHexDigit(c)) { // ASCII only, unlike Character.digit
                throw error("invalid unicode escape");
            }
            cp = cp * 16 + HexFormat.fromHexDigit(c);
        }
        if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw error("invalid unicode escape");
        }
        pos += digits;
        return (int) cp;
    }

    private void endOfLine() {
        skipBlank();
        if (peek() == '#') {
            skipComment();
        }
        if (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
            throw error("expected the end of the line");
        }
    }

    private void skipBlankLinesAndComments() {
        while (true) {
            skipBlank();
            char c = peek();
            if (c == '#') {
                skipComment();
            } else if (c == '\n' || c == '\r') {
                newline();
            } else {
                return;
            }
        }
    }

    private void skipComment() {
        while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
            char c = text.charAt(pos);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw error("control character in comment");
            }
            pos++;
        }
    }

    private void newline() {
        if (text.charAt(pos) == '\r') {
            if (!text.startsWith("\r\n", pos)) {
                throw error("bare carriage return");
            }
            pos++;
        }
        pos++;
        line++;
    }

    private void skipBlank() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private ConfigException error(String what) {
        return new ConfigException("config: " + source + " line " + line + ": " + what);
    }
}
