package keyward.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts one given value to its setting's type and checks its range. Flags and environment
 * variables are text; TOML values must already have the right type (an integer setting given as
 * a quoted string in the file is refused, as TOML intends).
 */
final class SettingValues {

    private static final int MAX_NODE_NAME = 128;
    private static final int MAX_TEXT = 4096;

    private SettingValues() {
    }

    /** The value as Long, Boolean, String, Path or List&lt;String&gt;; null for an optional one left empty. */
    static Object convert(Setting s, ConfigLoader.Given g) {
        switch (s.type) {
            case INT:
                return integer(s, g);
            case LIST:
                return list(s, g);
            case BOOL:
                return bool(s, g);
            default:
                break;
        }
        if (!(g.value() instanceof String)) {
            throw fail(s, g, "must be a string");
        }
        String text = (String) g.value();
        if (text.isEmpty()) {
            if (s.dflt == null) {
                return null;
            }
            throw fail(s, g, "must not be empty");
        }
        if (text.length() > MAX_TEXT || hasControl(text)) {
            throw fail(s, g, "must be at most " + MAX_TEXT + " characters without control characters");
        }
        switch (s.type) {
            case PATH:
                try {
                    return Path.of(text);
                } catch (InvalidPathException e) {
                    throw fail(s, g, "is not a valid path");
                }
            case CHOICE:
                if (!s.choices.contains(text)) {
                    throw fail(s, g, "must be one of " + String.join(", ", s.choices)
                            + " (got " + ConfigText.printable(text) + ")");
                }
                return text;
            default:
                if (s == Setting.NODE_NAME && !isNodeName(text)) {
                    throw fail(s, g, "must be 1.." + MAX_NODE_NAME + " characters of A-Z a-z 0-9 . _ : -");
                }
                return text;
        }
    }

    private static Long integer(Setting s, ConfigLoader.Given g) {
        long n;
        if (g.value() instanceof Long) {
            n = (Long) g.value();
        } else if (g.text() && isDecimal((String) g.value())) {
            n = Long.parseLong((String) g.value());
        } else {
            throw fail(s, g, "must be an integer in " + s.min + ".." + s.max);
        }
        if (n < s.min || n > s.max) {
            throw fail(s, g, "must be " + s.min + ".." + s.max + " (got " + n + ")");
        }
        return n;
    }

    /** A TOML boolean, or "true"/"false" as text (flags, environment). */
    private static Boolean bool(Setting s, ConfigLoader.Given g) {
        if (g.value() instanceof Boolean b) {
            return b;
        }
        if (g.text() && ("true".equals(g.value()) || "false".equals(g.value()))) {
            return Boolean.valueOf((String) g.value());
        }
        throw fail(s, g, "must be true or false");
    }

    private static List<String> list(Setting s, ConfigLoader.Given g) {
        List<String> out = new ArrayList<>();
        if (g.text()) {
            for (String item : ((String) g.value()).split(",", -1)) {
                if (!item.trim().isEmpty()) {
                    out.add(item.trim());
                }
            }
        } else if (g.value() instanceof List<?>) {
            for (Object item : (List<?>) g.value()) {
                if (!(item instanceof String) || ((String) item).isEmpty()) {
                    throw fail(s, g, "must be an array of non-empty strings");
                }
                out.add((String) item);
            }
        } else {
            throw fail(s, g, "must be an array of strings");
        }
        for (String item : out) {
            if (item.length() > MAX_TEXT || hasControl(item)) {
                throw fail(s, g, "must hold names without control characters");
            }
        }
        return List.copyOf(out);
    }

    /** An optional minus and 1..18 digits: always fits a long, so parsing cannot fail. */
    private static boolean isDecimal(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() - start > 18) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isNodeName(String text) {
        if (text.length() > MAX_NODE_NAME) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    static ConfigException fail(Setting s, ConfigLoader.Given g, String what) {
        return new ConfigException("config: '" + s.key + "' (" + g.source() + ") " + what);
    }
}
