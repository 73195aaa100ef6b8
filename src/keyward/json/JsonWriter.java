package keyward.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** The writer behind {@link Json#write}: compact output, no regex, one StringBuilder. */
final class JsonWriter {

    /** Deeper than any response we build; reaching it means a cycle. */
    private static final int MAX_DEPTH = 1000;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
    }

    static void write(StringBuilder out, Object value) {
        write(out, value, 0);
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value instanceof String) {
            string(out, (String) value);
        } else if (value == null || value == Json.NULL) {
            out.append("null");
        } else if (value instanceof Boolean) {
            out.append(((Boolean) value).booleanValue() ? "true" : "false");
        } else if (value instanceof Number) {
            number(out, (Number) value);
        } else if (value instanceof Map<?, ?>) {
            checkDepth(depth);
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings");
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, (String) e.getKey());
                out.append(':');
                write(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (value instanceof List<?>) {
            checkDepth(depth);
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item, depth + 1);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
    }

    private static void number(StringBuilder out, Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            out.append(n.longValue());
        } else if (n instanceof BigDecimal || n instanceof BigInteger) {
            out.append(n.toString());
        } else if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no NaN or infinity");
            }
            out.append(n.toString()); // Java's forms (1.0E10, -0.0) are valid JSON numbers
        } else {
            throw new IllegalArgumentException("cannot write " + n.getClass().getName() + " as JSON");
        }
    }

    /** Appends a quoted string, copying runs of characters that need no escape in one call. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        int run = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
                continue;
            }
            if (c > 0x2029 && !Character.isSurrogate(c)) {
                continue;
            }
            if (pairedAt(s, i)) {
                i++; // a well-formed surrogate pair is copied as is
                continue;
            }
            out.append(s, run, i);
            escape(out, c);
            run = i + 1;
        }
        out.append(s, run, n);
        out.append('"');
    }

    /** True when position i starts a high/low surrogate pair. */
    private static boolean pairedAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                        .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
        }
    }
}
