package keyward.store.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Turns the database URLs operators paste into JDBC URLs.
 *
 * <pre>
 *   postgres://user:pass@host:5432/db?sslmode=require        -> jdbc:postgresql://host:5432/db?sslmode=require
 *   postgresql://h1:5432,h2:5432/db?target_session_attrs=read-write
 *                                          -> jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary
 *   mysql://user:pass@host:3306/db   (also mariadb://)       -> jdbc:mysql://host:3306/db
 *   /var/lib/keyward/keyward.db  or  sqlite:/path             -> jdbc:sqlite:/path
 *   jdbc:...                                                  -> unchanged
 * </pre>
 * The user info is taken out of the URL (percent-decoded) into driver properties by
 * {@link #credentials}, so the JDBC URL carries no password; query parameters pass through as
 * written, except libpq's {@code target_session_attrs}, which becomes the driver's
 * {@code targetServerType} ({@link #postgresTarget}). Special characters in a password must be percent-encoded, as in any URL.
 * Stateless and thread-safe; errors never echo the URL, which may hold a password.
 */
public final class JdbcUrls {

    private JdbcUrls() {
    }

    /** The JDBC URL for {@code url}, without its user info. */
    public static String toJdbc(String type, String url) {
        if (url.startsWith("jdbc:")) {
            String expected = "jdbc:" + type + ":";
            if (!url.startsWith(expected)) {
                throw new IllegalArgumentException("database url: a " + type + " url must start with " + expected
                        + " or be an operator form such as " + example(type));
            }
            return url;
        }
        if (type.equals("sqlite")) {
            String path = url.startsWith("sqlite://") ? url.substring(9) : url.startsWith("sqlite:") ? url.substring(7) : url;
            if (path.isEmpty() || path.contains("://")) {
                throw new IllegalArgumentException("database url: a sqlite url is a file path, for example " + example(type));
            }
            return "jdbc:sqlite:" + path;
        }
        Parts p = Parts.of(type, url);
        String tail = type.equals("postgresql") ? postgresTarget(p.hosts, p.tail) : p.tail;
        return "jdbc:" + type + "://" + p.hosts + tail;
    }

    /**
     * libpq's {@code target_session_attrs} in the driver's words: {@code read-write} and
     * {@code primary} become {@code targetServerType=primary} (the JDBC driver ignores the libpq
     * name, and would connect to a standby and fail every write). Keyward writes, so the values
     * that ask for a standby are refused. A multi-host URL that says neither gets
     * {@code targetServerType=primary}: after a failover the first host that answers may be a
     * standby.
     */
    static String postgresTarget(String hosts, String tail) {
        int q = tail.indexOf('?');
        String path = q < 0 ? tail : tail.substring(0, q);
        java.util.List<String> params = new java.util.ArrayList<>();
        String attrs = null;
        boolean serverType = false;
        if (q >= 0) {
            for (String param : tail.substring(q + 1).split("&", -1)) {
                String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
                if (name.equals("target_session_attrs")) {
                    attrs = param.substring(name.length() + (param.contains("=") ? 1 : 0));
                    continue;
                }
                serverType |= name.equals("targetServerType");
                params.add(param);
            }
        }
        if (attrs != null && !serverType) {
            String mapped = switch (attrs) {
                case "read-write", "primary" -> "primary";
                case "any" -> "any";
                default -> throw new IllegalArgumentException("database url: target_session_attrs=" + attrs
                        + " would connect Keyward, which writes, to a standby; use target_session_attrs=read-write");
            };
            params.add("targetServerType=" + mapped);
        } else if (attrs == null && !serverType && hosts.indexOf(',') >= 0) {
            params.add("targetServerType=primary");
        }
        return params.isEmpty() ? path : path + "?" + String.join("&", params);
    }

    /** {@code user} and {@code password} from the URL's user info, decoded; empty if it has none. */
    public static Properties credentials(String type, String url) {
        Properties props = new Properties();
        if (url.startsWith("jdbc:") || type.equals("sqlite") || url.indexOf('@') < 0) {
            return props;
        }
        Parts p = Parts.of(type, url);
        if (p.userInfo == null) {
            return props;
        }
        int colon = p.userInfo.indexOf(':');
        String user = colon < 0 ? p.userInfo : p.userInfo.substring(0, colon);
        if (!user.isEmpty()) {
            props.setProperty("user", decode(user));
        }
        if (colon >= 0) {
            props.setProperty("password", decode(p.userInfo.substring(colon + 1)));
        }
        return props;
    }

    /** The URL with the password of its user info and any {@code password=} parameter masked, for logs. */
    public static String redact(String url) {
        String s = url.replaceAll("(?i)(password=)[^&;]*", "$1***");
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            return s;
        }
        int at = s.lastIndexOf('@');
        int colon = s.indexOf(':', scheme + 3);
        if (at > scheme && colon > 0 && colon < at) {
            return s.substring(0, colon + 1) + "***" + s.substring(at);
        }
        return s;
    }

    private static String example(String type) {
        return switch (type) {
            case "postgresql" -> "postgres://user:password@host:5432/database";
            case "mysql" -> "mysql://user:password@host:3306/database";
            default -> "/var/lib/keyward/keyward.db";
        };
    }

    /** scheme://[userInfo@]hosts[/path][?query], split without java.net.URI, which refuses multi-host lists. */
    private record Parts(String userInfo, String hosts, String tail) {

        static Parts of(String type, String url) {
            int sep = url.indexOf("://");
            String scheme = sep < 0 ? "" : url.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
            boolean ok = type.equals("postgresql") ? scheme.equals("postgres") || scheme.equals("postgresql")
                    : scheme.equals("mysql") || scheme.equals("mariadb");
            if (!ok) {
                throw new IllegalArgumentException("database url: expected a jdbc: url or " + example(type)
                        + " for database type " + type);
            }
            String rest = url.substring(sep + 3);
            // a '/' in an unencoded password is tolerated; a '?' is not (it starts the query)
            int query = rest.indexOf('?');
            int end = firstOf(rest, (query < 0 ? rest : rest.substring(0, query)).lastIndexOf('@') + 1);
            String authority = rest.substring(0, end);
            int at = authority.lastIndexOf('@');
            String hosts = authority.substring(at + 1);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("database url: no host, expected " + example(type));
            }
            return new Parts(at < 0 ? null : authority.substring(0, at), hosts, rest.substring(end));
        }

        private static int firstOf(String s, int from) {
            for (int i = from; i < s.length(); i++) {
                if (s.charAt(i) == '/' || s.charAt(i) == '?') {
                    return i;
                }
            }
            return s.length();
        }
    }

    /** RFC 3986 percent-decoding; unlike URLDecoder, a '+' stays a '+'. */
    private static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            int pct = s.indexOf('%', i);
            int stop = pct < 0 ? s.length() : pct;
            out.writeBytes(s.substring(i, stop).getBytes(StandardCharsets.UTF_8));
            if (pct < 0) {
                break;
            }
            // ASCII hex digits only: Character.digit would also take, e.g., Arabic-Indic digits
            if (pct + 2 >= s.length() || !HexFormat.isHexDigit(s.charAt(pct + 1)) || !HexFormat.isHexDigit(s.charAt(pct + 2))) {
                throw new IllegalArgumentException("database url: bad percent-encoding in the user info");
            }
            out.write(HexFormat.fromHexDigits(s, pct + 1, pct + 3));
            i = pct + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
