package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Fields;
import keyward.json.Json;

/** One request as a route sees it: path captures, query, the (already bounded) body, the caller. */
final class Call {
    final HttpExchange exchange;
    private final String[] params;
    private final byte[] body;
    private final Json.Limits limits;
    private final Map<String, List<String>> query;
    Principal principal;
    /** The id of a key the route created, for the audit entry (a create has no key in its path). */
    String auditKey;
    /** The audit outcome of a 2xx answer when "ok" would hide refusals (a batch's per-item outcomes). */
    String auditOutcome;
    /** The route wrote its own audit entries (KMIP: one per batch item), so the dispatcher writes none. */
    boolean auditedByRoute;

    /** @param limits what the body's JSON may hold (sized to max_body_bytes) */
    Call(HttpExchange exchange, String[] params, byte[] body, Json.Limits limits) {
        this.exchange = exchange;
        this.params = params;
        this.body = body;
        this.limits = limits;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    String param(int i) {
        return params[i];
    }

    Principal principal() {
        return principal;
    }

    /** The body as a JSON object's fields; an empty body reads as {}. */
    Fields fields() {
        return Fields.of(json());
    }

    Object json() {
        if (body.length == 0) {
            return new LinkedHashMap<String, Object>();
        }
        return Json.parse(body, limits);
    }

    /** Refuses query parameters other than {@code allowed}. */
    void allowQuery(Set<String> allowed) {
        for (String k : query.keySet()) {
            if (!allowed.contains(k)) {
                throw KwException.invalid("unknown query parameter '" + clip(k) + "'");
            }
        }
    }

    String query(String name) {
        List<String> v = query.get(name);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw KwException.invalid("query parameter '" + name + "' given more than once");
        }
        return v.get(0);
    }

    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    Integer queryInt(String name, int min, int max) {
        String v = query(name);
        if (v == null) {
            return null;
        }
        // ASCII digits only: parseInt also takes other scripts' digits ("١٠")
        if (!v.isEmpty() && v.length() <= 11 && v.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')) {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the one message
            }
        }
        throw KwException.invalid("query parameter '" + name + "' must be an integer " + min + ".." + max);
    }

    String remote() {
        return exchange.getRemoteAddress() == null ? "" : exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        if (raw.length() > 8192) {
            throw KwException.invalid("query string is too long");
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = decode(eq < 0 ? part : part.substring(0, eq), true);
            String v = eq < 0 ? "" : decode(part.substring(eq + 1), true);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** Percent-decoding as UTF-8; '+' is a space only in queries. */
    static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                // ASCII hex digits only: Character.digit would also take, e.g., Arabic-Indic digits
                if (i + 2 >= s.length() || !HexFormat.isHexDigit(s.charAt(i + 1)) || !HexFormat.isHexDigit(s.charAt(i + 2))) {
                    throw KwException.invalid("bad percent-encoding in the URL");
                }
                out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
                i += 3;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
                i++;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
