package keyward.repl;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import keyward.json.Json;

/** Typed access to parsed JSON objects from peers: a wrong type or a missing field is a {@link ProtocolException}. */
final class Fields {

    /** Frames and documents: 32 levels, strings and documents up to the frame size. */
    static final Json.Limits LIMITS = new Json.Limits(32, Frames.MAX_FRAME, Frames.MAX_FRAME);

    private Fields() {
    }

    static Map<String, Object> object(Object o, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new ProtocolException(what + " must be an object");
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new ProtocolException(what + " must be an object");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) m;
        return typed;
    }

    static Map<String, Object> parse(byte[] utf8, String what) {
        try {
            return object(Json.parse(utf8, LIMITS), what);
        } catch (keyward.json.JsonException e) {
            throw new ProtocolException(what + " is not valid JSON: " + e.getMessage());
        }
    }

    static Map<String, Object> obj(Map<String, Object> m, String field) {
        return object(m.get(field), "'" + field + "'");
    }

    static List<Object> list(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof List<?> l)) {
            throw new ProtocolException("'" + field + "' must be an array");
        }
        return List.copyOf(l);
    }

    static String str(Map<String, Object> m, String field) {
        String s = strOrNull(m, field);
        if (s == null) {
            throw new ProtocolException("'" + field + "' is required");
        }
        return s;
    }

    static String strOrNull(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v == null || v == Json.NULL) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ProtocolException("'" + field + "' must be a string");
        }
        return s;
    }

    static long lng(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof Long l)) {
            throw new ProtocolException("'" + field + "' must be an integer");
        }
        return l;
    }

    /**
     * An integer held in an {@code int} field, checked against {@code min..max} before it narrows:
     * a peer's 2^40 is refused with the field named, never wrapped into another number.
     */
    static int integer(Map<String, Object> m, String field, int min, int max) {
        long n = lng(m, field);
        if (n < min || n > max) {
            throw new ProtocolException("'" + field + "' must be an integer in " + min + ".." + max + ", not " + n);
        }
        return (int) n;
    }

    static Long lngOrNull(Map<String, Object> m, String field) {
        Object v = m.get(field);
        return v == null || v == Json.NULL ? null : lng(m, field);
    }

    static boolean bool(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof Boolean b)) {
            throw new ProtocolException("'" + field + "' must be true or false");
        }
        return b;
    }

    static byte[] bytesOrNull(Map<String, Object> m, String field) {
        String s = strOrNull(m, field);
        try {
            return s == null ? null : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("'" + field + "' must be base64");
        }
    }

    static Object b64(byte[] b) {
        return b == null ? Json.NULL : Base64.getEncoder().encodeToString(b);
    }

    static Object nullable(Object o) {
        return o == null ? Json.NULL : o;
    }
}
