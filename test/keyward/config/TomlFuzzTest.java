package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the TOML reader: generated documents must parse to what was written, and
 * random or mutated ones must either parse or be refused with a ConfigException naming a line of
 * the text, never any other exception, and in bounded time. The case number is in each failure.
 */
class TomlFuzzTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Pattern ERROR = Pattern.compile("config: fuzz line (\\d+): .+");
    private static final String SPECIALS = "\"\\'\b\f\n\r\t\u0000\u001f\u007f#=[]., \u00e9\u20ac\uffff\u0661\uff11";
    /** Characters that matter to TOML, and a few that look like digits without being ASCII. */
    private static final String POOL = "[]{}=.,\"'\\#\n\r\t uUbnx0123456789_+-aztrue\u0661\u0664\uff11\u096a\ud83d";

    @Test
    void generatedDocuments_parseToWhatWasWritten() {
        assertTimeoutPreemptively(BOUND, () -> {
            Random random = new Random(20261202L);
            for (int i = 0; i < 3_000; i++) {
                Map<String, Object> doc = document(random);
                String text = render(random, doc);
                Map<String, Object> back;
                try {
                    back = Toml.parse(text, "fuzz").root();
                } catch (ConfigException e) {
                    throw new AssertionError("case " + i + " refused: " + e.getMessage() + " in\n" + text, e);
                }
                assertEquals(doc, back, "case " + i + ":\n" + text);
            }
        });
    }

    @Test
    void mutatedDocuments_parseOrFailWithAConfigErrorNamingALine() {
        assertTimeoutPreemptively(BOUND, () -> {
            Random random = new Random(42L);
            List<String> seeds = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                seeds.add(render(random, document(random)));
            }
            seeds.add("a.b = [1, [\"\\u00e9\", '\\x'], -1_000]\n[t.\"q\\U0001F600\"]\nk = true # c\n");
            int accepted = 0;
            int n = 40_000;
            for (int i = 0; i < n; i++) {
                accepted += parsesOrFailsCleanly(i, mutate(random, seeds.get(random.nextInt(seeds.size())))) ? 1 : 0;
            }
            // some mutations (e.g. inside a string) leave valid TOML: both paths must be exercised
            assertTrue(accepted > 0 && accepted < n, "mutation fuzzing did not exercise both outcomes: " + accepted);
        });
    }

    @Test
    void randomText_parsesOrFailsWithAConfigErrorNamingALine() {
        assertTimeoutPreemptively(BOUND, () -> {
            Random random = new Random(7L);
            for (int i = 0; i < 20_000; i++) {
                StringBuilder sb = new StringBuilder();
                for (int k = random.nextInt(120); k > 0; k--) {
                    sb.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x10000) : POOL.charAt(random.nextInt(POOL.length())));
                }
                parsesOrFailsCleanly(i, sb.toString());
            }
        });
    }

    /** True if {@code text} parsed; false if it was refused with a proper message; fails the test otherwise. */
    private static boolean parsesOrFailsCleanly(int i, String text) {
        try {
            Toml.parse(text, "fuzz");
            return true;
        } catch (ConfigException e) {
            Matcher m = ERROR.matcher(e.getMessage());
            if (!m.matches()) {
                fail("case " + i + ": message names no line: " + e.getMessage());
            }
            long lines = 1 + text.chars().filter(c -> c == '\n').count();
            int line = Integer.parseInt(m.group(1));
            assertTrue(line >= 1 && line <= lines, "case " + i + ": line " + line + " of " + lines + ": " + e.getMessage());
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("case " + i + " threw " + e + " for " + escape(text), e);
        }
    }

    private static String mutate(Random random, String seed) {
        StringBuilder doc = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && doc.length() > 0; e++) {
            int at = random.nextInt(doc.length());
            switch (random.nextInt(5)) {
                case 0 -> doc.setCharAt(at, (char) (doc.charAt(at) ^ (1 << random.nextInt(8))));
                case 1 -> doc.setCharAt(at, interesting(random));
                case 2 -> doc.insert(at, interesting(random));
                case 3 -> doc.deleteCharAt(at);
                default -> doc.setLength(at);
            }
        }
        return doc.toString();
    }

    private static char interesting(Random random) {
        return random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : POOL.charAt(random.nextInt(POOL.length()));
    }

    // ---- generation: a model, then one of its many spellings ----

    /** Root values, then tables of values (some nested one level), all keys unique. */
    private static Map<String, Object> document(Random random) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            root.put(key(random), value(random, 0));
        }
        for (int n = random.nextInt(4); n > 0; n--) {
            Map<String, Object> table = new LinkedHashMap<>();
            for (int m = random.nextInt(4); m > 0; m--) {
                table.put(key(random), random.nextInt(5) == 0 ? Map.of(key(random), value(random, 0)) : value(random, 0));
            }
            root.putIfAbsent(key(random), table);
        }
        return root;
    }

    private static Object value(Random random, int depth) {
        switch (random.nextInt(depth >= 3 ? 3 : 4)) {
            case 0:
                return string(random);
            case 1:
                return switch (random.nextInt(3)) {
                    case 0 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                    case 1 -> (long) random.nextInt(100) - 50;
                    default -> random.nextLong();
                };
            case 2:
                return random.nextBoolean();
            default:
                List<Object> list = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    list.add(value(random, depth + 1));
                }
                return list;
        }
    }

    private static String key(Random random) {
        if (random.nextInt(3) > 0) {
            StringBuilder sb = new StringBuilder();
            String bare = "abcxyzABZ019_-";
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                sb.append(bare.charAt(random.nextInt(bare.length())));
            }
            return sb.toString();
        }
        return string(random);
    }

    private static String string(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(10); n > 0; n--) {
            int pick = random.nextInt(10);
            if (pick < 5) {
                sb.append((char) (' ' + random.nextInt(95)));
            } else if (pick < 7) {
                sb.append(SPECIALS.charAt(random.nextInt(SPECIALS.length())));
            } else if (pick < 8) {
                sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            } else {
                char c = (char) random.nextInt(0x10000);
                sb.append(Character.isSurrogate(c) ? 'x' : c);
            }
        }
        return sb.toString();
    }

    private static String render(Random random, Map<String, Object> doc) {
        StringBuilder out = new StringBuilder();
        List<String> headers = new ArrayList<>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> table)) {
                line(random, out, renderKey(random, e.getKey()), e.getValue());
            } else if (table.isEmpty() || random.nextBoolean()) {
                headers.add(e.getKey()); // after every root value, under a header
            } else {
                for (Map.Entry<?, ?> f : table.entrySet()) { // as dotted keys at the root
                    line(random, out, renderKey(random, e.getKey()) + " . " + renderKey(random, (String) f.getKey()), f.getValue());
                }
            }
        }
        for (String name : headers) {
            out.append(random.nextBoolean() ? "\n" : "").append("[ ").append(renderKey(random, name)).append(" ]")
                    .append(random.nextBoolean() ? " # table\n" : "\n");
            for (Map.Entry<?, ?> f : ((Map<?, ?>) doc.get(name)).entrySet()) {
                line(random, out, renderKey(random, (String) f.getKey()), f.getValue());
            }
        }
        return random.nextInt(4) == 0 ? out.toString().replace("\n", "\r\n") : out.toString();
    }

    /** {@code key = value}; a nested table becomes one more dotted segment. */
    private static void line(Random random, StringBuilder out, String key, Object value) {
        if (value instanceof Map<?, ?> sub) {
            Map.Entry<?, ?> only = sub.entrySet().iterator().next();
            line(random, out, key + "." + renderKey(random, (String) only.getKey()), only.getValue());
            return;
        }
        out.append(random.nextBoolean() ? "" : "  ").append(key).append(random.nextBoolean() ? " = " : "=");
        renderValue(random, out, value);
        out.append(random.nextInt(4) == 0 ? "  # comment \"x\" [y]\n" : "\n");
    }

    private static void renderValue(Random random, StringBuilder out, Object value) {
        if (value instanceof String s) {
            out.append(random.nextInt(3) == 0 && literalOk(s) ? "'" + s + "'" : basic(random, s));
        } else if (value instanceof Long n) {
            out.append(n >= 0 && random.nextBoolean() ? "+" : "").append(underscores(random, Long.toString(n)));
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (Object item : list) {
                out.append(random.nextInt(4) == 0 ? "\n  # item\n  " : " ");
                renderValue(random, out, item);
                out.append(',');
            }
            if (!list.isEmpty() && random.nextBoolean()) {
                out.setLength(out.length() - 1); // no trailing comma
            }
            out.append(random.nextBoolean() ? "\n]" : " ]");
        } else {
            out.append(value);
        }
    }

    private static String renderKey(Random random, String key) {
        if (key.matches("[A-Za-z0-9_-]+") && random.nextInt(4) > 0) {
            return key;
        }
        return random.nextInt(3) == 0 && literalOk(key) ? "'" + key + "'" : basic(random, key);
    }

    private static boolean literalOk(String s) {
        return s.chars().noneMatch(c -> c == '\'' || (c < 0x20 && c != '\t') || c == 0x7f);
    }

    private static String underscores(Random random, String digits) {
        if (digits.length() < 3 || random.nextBoolean()) {
            return digits;
        }
        int at = 2 + random.nextInt(digits.length() - 2);
        return digits.substring(0, at) + "_" + digits.substring(at);
    }

    private static String basic(Random random, String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\t' -> sb.append(random.nextBoolean() ? "\t" : "\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7f || (cp > 0x7f && random.nextInt(3) == 0)) {
                        sb.append(cp > 0xffff || random.nextBoolean() ? String.format("\\U%08X", cp) : String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String escape(String text) {
        StringBuilder sb = new StringBuilder();
        text.chars().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return sb.toString();
    }
}
