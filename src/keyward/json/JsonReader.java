package keyward.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * The parser behind {@link Json#parse}: one pass over the bytes with an explicit stack of open
 * containers instead of recursion, so hostile nesting costs a bounded amount of heap, never the
 * thread's stack. One instance parses one document; not thread-safe.
 */
final class JsonReader {

    /** Longest number literal accepted: far beyond any real value, far below a slow conversion. */
    static final int MAX_NUMBER_CHARS = 1000;

    private final byte[] in;
    private final Json.Limits limits;
    private int pos;

    /** Open containers, innermost last; for objects, keys[i] is the member awaiting its value. */
    private Object[] open = new Object[8];
    private String[] keys = new String[8];
    private int depth;
    /** Values begun so far (containers when opened, scalars when read). */
    private int values;

    JsonReader(byte[] utf8, Json.Limits limits) {
        if (utf8.length > limits.maxDocumentBytes()) {
            throw tooLarge(limits);
        }
        this.in = utf8;
        this.limits = limits;
    }

    static JsonException tooLarge(Json.Limits limits) {
        return new JsonException("JSON document larger than " + limits.maxDocumentBytes() + " bytes");
    }

    Object parseDocument() {
        Object value = parseValue();
        skipWhitespace();
        if (pos != in.length) {
            throw error("unexpected data after the document");
        }
        return value;
    }

    private Object parseValue() {
        while (true) {
            // Expecting a value: open containers until a complete value is in hand.
            skipWhitespace();
            int c = peek();
            if (++values > limits.maxValues()) {
                throw new JsonException("JSON document holds more than " + limits.maxValues()
                        + " values at offset " + pos);
            }
            Object value;
            if (c == '{') {
                pos++;
                LinkedHashMap<String, Object> map = new LinkedHashMap<>();
                push(map);
                skipWhitespace();
                if (peek() != '}') {
                    readMemberName(map);
                    continue;
                }
                pos++;
                value = pop();
            } else if (c == '[') {
                pos++;
                push(new ArrayList<>());
                skipWhitespace();
                if (peek() != ']') {
                    continue;
                }
                pos++;
                value = pop();
            } else {
                value = parseScalar(c);
            }
            // Hand the value to its container; close containers as their ends arrive.
            while (true) {
                if (depth == 0) {
                    return value;
                }
                Object top = open[depth - 1];
                if (top instanceof ArrayList<?>) {
                    @SuppressWarnings("unchecked") // only this class creates the lists on the stack
                    ArrayList<Object> list = (ArrayList<Object>) top;
                    list.add(value);
                } else {
                    @SuppressWarnings("unchecked") // only this class creates the maps on the stack
                    LinkedHashMap<String, Object> map = (LinkedHashMap<String, Object>) top;
                    map.put(keys[depth - 1], value);
                }
                skipWhitespace();
                int next = peek();
                boolean isList = top instanceof ArrayList<?>;
                if (next == ',') {
                    pos++;
                    if (!isList) {
                        skipWhitespace();
                        @SuppressWarnings("unchecked") // as above
                        LinkedHashMap<String, Object> map = (LinkedHashMap<String, Object>) top;
                        readMemberName(map);
                    }
                    break;
                }
                if (next == (isList ? ']' : '}')) {
                    pos++;
                    value = pop();
                    continue;
                }
                throw error(isList ? "expected ',' or ']'" : "expected ',' or '}'");
            }
        }
    }

    /** Reads {@code "name" :} and records the name for the value that follows. */
    private void readMemberName(LinkedHashMap<String, Object> map) {
        if (peek() != '"') {
            throw error("expected a member name");
        }
        int start = pos;
        String key = readString();
        if (map.containsKey(key)) {
            pos = start;
            throw error("duplicate member name");
        }
        skipWhitespace();
        if (peek() != ':') {
            throw error("expected ':'");
        }
        pos++;
        keys[depth - 1] = key;
    }

    private void push(Object container) {
        if (depth >= limits.maxDepth()) {
            pos--;
            throw new JsonException("JSON nested deeper than " + limits.maxDepth()
                    + " levels at offset " + pos);
        }
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
            keys = Arrays.copyOf(keys, depth * 2);
        }
        open[depth++] = container;
    }

    private Object pop() {
        Object container = open[--depth];
        open[depth] = null;
        keys[depth] = null;
        return container;
    }

    private Object parseScalar(int c) {
        switch (c) {
            case '"':
                return readString();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", Json.NULL);
            case -1:
                throw error("unexpected end of input");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw error("unexpected character");
        }
    }

    private Object literal(String word, Object value) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= in.length || in[pos + i] != word.charAt(i)) {
                throw error("invalid literal");
            }
        }
        pos += word.length();
        return value;
    }

    private Object readNumber() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            requireDigits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            integral = false;
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            requireDigits();
        }
        int length = pos - start;
        if (length > MAX_NUMBER_CHARS) {
            pos = start;
            throw error("number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        String text = new String(in, start, length, StandardCharsets.ISO_8859_1);
        if (integral && length <= 18) {
            return Long.parseLong(text); // at most 18 chars always fits; "-0" gives 0
        }
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                return new BigDecimal(text);
            }
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) { // exponent beyond what BigDecimal can scale
            pos = start;
            throw error("number out of range");
        }
    }

    private void requireDigits() {
        int c = peek();
        if (c < '0' || c > '9') {
            throw error("expected a digit");
        }
        skipDigits();
    }

    private void skipDigits() {
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
    }

    /** Reads a string starting at the opening quote; leaves pos after the closing quote. */
    private String readString() {
        pos++;
        int start = pos;
        int max = limits.maxStringLength();
        // Fast path: plain ASCII up to the closing quote is copied in one go.
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                if (pos - start > max) {
                    throw tooLong(start);
                }
                String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
                pos++;
                return s;
            }
            if (b == '\\' || b < 0x20) { // negative bytes (non-ASCII) land here too
                break;
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - start + 16);
        sb.append(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
        return JsonStrings.finish(this, sb, start, max);
    }

    JsonException tooLong(int start) {
        return new JsonException("JSON string longer than " + limits.maxStringLength()
                + " characters at offset " + (start - 1));
    }

    // ---- cursor access for JsonStrings, which decodes the slow part of a string ----

    byte[] input() {
        return in;
    }

    int position() {
        return pos;
    }

    void moveTo(int position) {
        pos = position;
    }

    int peek() {
        return pos < in.length ? in[pos] & 0xFF : -1;
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    JsonException error(String what) {
        if (pos >= in.length && !what.startsWith("unexpected end")) {
            return new JsonException("malformed JSON at offset " + pos + ": unexpected end of input");
        }
        return new JsonException("malformed JSON at offset " + pos + ": " + what);
    }
}
