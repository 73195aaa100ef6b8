package keyward.config;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** How config values appear in the masked description and in error messages. */
final class ConfigText {

    private static final Pattern URL_USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/]*@");
    private static final Pattern URL_PASSWORD_PARAM =
            Pattern.compile("(?i)((?:ssl)?password|pass|pwd)=[^&;]*");
    private static final int MAX_SHOWN = 64;

    private ConfigText() {
    }

    /** One value for {@link Config#describeMasked()}: secrets as ***, unset as (not set). */
    static String show(Setting s, Object value) {
        if (value == null) {
            return "(not set)";
        }
        if (s.type == Setting.Type.SECRET) {
            return "***";
        }
        if (s == Setting.DATABASE_URL) {
            return quote(maskUrl((String) value));
        }
        if (value instanceof String || value instanceof Path) {
            return quote(value.toString());
        }
        if (value instanceof List<?>) {
            StringBuilder sb = new StringBuilder("[");
            for (Object item : (List<?>) value) {
                sb.append(sb.length() > 1 ? ", " : "").append(quote(String.valueOf(item)));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    /** A connection URL with any password in it replaced by ***. */
    static String maskUrl(String url) {
        String masked = URL_USERINFO_PASSWORD.matcher(url).replaceAll("$1***@");
        return URL_PASSWORD_PARAM.matcher(masked).replaceAll("$1=***");
    }

    /** A TOML basic string. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A long non-secret value (a certificate) shortened for a log line. */
    static String abbreviate(String s) {
        return s.length() <= 24 ? quote(s) : quote(s.substring(0, 16) + "...") + " (" + s.length() + " chars)";
    }

    /** A non-secret value as quoted in an error message: printable ASCII, at most 64 chars. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < MAX_SHOWN; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F && c != '\'' ? c : '?');
        }
        return sb.append(s.length() > MAX_SHOWN ? "...'" : "'").toString();
    }
}
