package keyward.json;

import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to the members of one parsed JSON object, as a request handler reads them.
 * Each getter marks its member as known; {@link #finish()} then refuses any member never asked
 * for, so a misspelt optional field is an error instead of being silently ignored.
 *
 * <p>An explicit JSON {@code null} counts as absent for every getter except {@link #raw} (which
 * returns {@link Json#NULL}) and {@link #has}. Every failure is a {@link JsonException} whose
 * message names the field (with the place given to {@link #of(Object, String)}, e.g.
 * {@code batch[3].plaintext}) and what is allowed, never the value. Not thread-safe: one
 * instance belongs to one request.
 */
public final class Fields {

    /** How much of an unknown member's name goes into a message. */
    private static final int MAX_NAME_IN_MESSAGE = 64;

    private final Map<?, ?> members;
    private final String where;
    private final Set<String> asked = new HashSet<>();

    private Fields(Map<?, ?> members, String where) {
        this.members = members;
        this.where = where;
    }

    /** Wraps a request body; it must be a JSON object. */
    public static Fields of(Object parsed) {
        if (!(parsed instanceof Map<?, ?>)) {
            throw new JsonException("request body must be a JSON object");
        }
        return new Fields((Map<?, ?>) parsed, null);
    }

    /** Wraps a nested object; {@code where} (e.g. "batch[3]") prefixes field names in messages. */
    public static Fields of(Object parsed, String where) {
        if (!(parsed instanceof Map<?, ?>)) {
            throw new JsonException(where + " must be a JSON object");
        }
        return new Fields((Map<?, ?>) parsed, where);
    }

    /** True when the member is present (even as null). Does not mark it as known. */
    public boolean has(String name) {
        return members.containsKey(name);
    }

    /** The member as parsed, {@link Json#NULL} if null, Java null if absent. */
    public Object raw(String name) {
        asked.add(name);
        return members.get(name);
    }

    /** An optional string, null if absent. */
    public String string(String name) {
        Object v = value(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw fail(name, "must be a string");
    }

    public String requiredString(String name) {
        return required(name, string(name));
    }

    public boolean bool(String name, boolean dflt) {
        Object v = value(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw fail(name, "must be true or false");
    }

    /** An integer in min..max, or {@code dflt} when absent. */
    public long longValue(String name, long dflt, long min, long max) {
        Long v = optionalLong(name, min, max);
        return v == null ? dflt : v;
    }

    /** An integer in min..max, or null when absent. */
    public Long optionalLong(String name, long min, long max) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long && (Long) v >= min && (Long) v <= max) {
            return (Long) v;
        }
        throw fail(name, "must be an integer in " + min + ".." + max);
    }

    /** Optional standard base64 with padding, strictly checked; null if absent. */
    public byte[] base64(String name) {
        String s = string(name);
        if (s == null) {
            return null;
        }
        byte[] decoded = StrictBase64.decode(s);
        if (decoded == null) {
            throw fail(name, "is not valid base64");
        }
        return decoded;
    }

    public byte[] requiredBase64(String name) {
        return required(name, base64(name));
    }

    /** An optional array of strings, null if absent; the list is unmodifiable. */
    public List<String> stringList(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?>) {
            List<?> list = (List<?>) v;
            String[] out = new String[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof String)) {
                    throw fail(name, "must be a list of strings");
                }
                out[i] = (String) list.get(i);
            }
            return List.of(out);
        }
        throw fail(name, "must be a list of strings");
    }

    /** An optional object whose values are all strings, null if absent; unmodifiable, in order. */
    public Map<String, String> stringMap(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?>) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getValue() instanceof String)) {
                    throw fail(name, "must be an object whose values are strings");
                }
                out.put(String.valueOf(e.getKey()), (String) e.getValue());
            }
            return Collections.unmodifiableMap(out);
        }
        throw fail(name, "must be an object whose values are strings");
    }

    /** An optional array of any values, null if absent; unmodifiable. */
    public List<Object> list(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?>) {
            return Collections.unmodifiableList((List<?>) v);
        }
        throw fail(name, "must be a list");
    }

    /** Refuses the object if it has a member no getter asked for; names the first such member. */
    public void finish() {
        for (Object key : members.keySet()) {
            if (!asked.contains(key)) {
                throw new JsonException("unknown field '" + qualified(printable(String.valueOf(key))) + "'");
            }
        }
    }

    private Object value(String name) {
        asked.add(name);
        Object v = members.get(name);
        return v == Json.NULL ? null : v;
    }

    private <T> T required(String name, T value) {
        if (value == null) {
            throw new JsonException("missing field '" + qualified(name) + "'");
        }
        return value;
    }

    private JsonException fail(String name, String what) {
        return new JsonException("field '" + qualified(name) + "' " + what);
    }

    private String qualified(String name) {
        return where == null ? name : where + "." + name;
    }

    /** A user-chosen name made safe for a message and a log line: short, printable ASCII. */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME_IN_MESSAGE + 3));
        for (int i = 0; i < name.length(); i++) {
            if (i == MAX_NAME_IN_MESSAGE) {
                return sb.append("...").toString();
            }
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F && c != '\'' ? c : '?');
        }
        return sb.toString();
    }

    /** Standard base64 with padding, refusing every non-canonical form Java's decoder allows. */
    static final class StrictBase64 {
        private StrictBase64() {
        }

        /** The decoded bytes, or null if the text is not canonical padded base64. */
        static byte[] decode(String s) {
            int n = s.length();
            if (n % 4 != 0) {
                return null;
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
            // The bits after the last byte must be zero, or two texts would decode alike.
            if (n > 0 && s.charAt(n - 1) == '=') {
                boolean two = s.charAt(n - 2) == '=';
                int last = sextet(s.charAt(n - (two ? 3 : 2)));
                if ((last & (two ? 0x0F : 0x03)) != 0) {
                    return null;
                }
            }
            return decoded;
        }

        private static int sextet(char c) {
            if (c >= 'A' && c <= 'Z') {
                return c - 'A';
            }
            if (c >= 'a' && c <= 'z') {
                return c - 'a' + 26;
            }
            if (c >= '0' && c <= '9') {
                return c - '0' + 52;
            }
            return c == '+' ? 62 : 63;
        }
    }
}
