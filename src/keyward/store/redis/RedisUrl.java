package keyward.store.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} (TLS) URL, or a
 * Sentinel URL {@code redis-sentinel://[user:password@]host[:port],host[:port]/<master name>[/db]}
 * ({@code rediss-sentinel://} with TLS to the Sentinels and to Redis). {@code user} and
 * {@code password} are null when absent and are those of the Redis servers (the Sentinels are
 * asked without AUTH). With Sentinels, {@code host} and {@code port} are null and 0 until the
 * primary is found ({@link #at}). {@link #toString()} masks the password.
 */
record RedisUrl(boolean tls, String host, int port, String user, String password, int db,
                List<Endpoint> sentinels, String master) {

    static final int SENTINEL_PORT = 26379;

    /** One Sentinel's address. */
    record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    RedisUrl {
        sentinels = sentinels == null ? List.of() : List.copyOf(sentinels);
    }

    /** A URL that names one Redis server. */
    RedisUrl(boolean tls, String host, int port, String user, String password, int db) {
        this(tls, host, port, user, password, db, List.of(), null);
    }

    boolean viaSentinel() {
        return master != null;
    }

    /** The same credentials, database and TLS, at the Redis server {@code host:port} (the primary Sentinel named). */
    RedisUrl at(String host, int port) {
        return new RedisUrl(tls, host, port, user, password, db);
    }

    /** How to reach one Sentinel: TLS as the URL says, no credentials, database 0. */
    RedisUrl sentinel(Endpoint e) {
        return new RedisUrl(tls, e.host(), e.port(), null, null, 0);
    }

    static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database-url: a redis://, rediss:// or redis-sentinel:// URL is required");
        }
        int sep = url.indexOf("://");
        String scheme = sep < 0 ? "" : url.substring(0, sep);
        if (scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel")) {
            return parseSentinel(scheme.equals("rediss-sentinel"), url.substring(sep + 3));
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database-url: not a valid URL (expected redis://[user:password@]host:port[/db])");
        }
        scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("database-url: scheme must be redis, rediss, redis-sentinel or rediss-sentinel, not "
                    + scheme);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("database-url: the URL names no host");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("database-url: query and fragment are not supported");
        }
        int port = u.getPort() == -1 ? 6379 : u.getPort();
        String[] cred = credentials(u.getRawUserInfo());
        return new RedisUrl("rediss".equals(scheme), u.getHost(), port, cred[0], cred[1], database(u.getPath()));
    }

    /** {@code [user:password@]h1[:p1],h2[:p2]/<master>[/db]}, split by hand: java.net.URI refuses host lists. */
    private static RedisUrl parseSentinel(boolean tls, String rest) {
        String example = " (expected redis-sentinel://host:26379,host:26379/<master name>[/db])";
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("database-url: query and fragment are not supported" + example);
        }
        int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf('@')));
        if (slash < 0) {
            throw new IllegalArgumentException("database-url: a Sentinel URL must name the master after the hosts" + example);
        }
        String authority = rest.substring(0, slash);
        String[] path = rest.substring(slash + 1).split("/", -1);
        int at = authority.lastIndexOf('@');
        String[] cred = credentials(at < 0 ? null : authority.substring(0, at));
        List<Endpoint> sentinels = new ArrayList<>();
        for (String hp : authority.substring(at + 1).split(",", -1)) {
            sentinels.add(endpoint(hp, example));
        }
        String master = decode(path[0]);
        if (master.isEmpty() || !master.matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw new IllegalArgumentException("database-url: the Sentinel master name must be 1..128 of A-Z a-z 0-9 _ . : -, not '"
                    + master + "'" + example);
        }
        if (path.length > 2) {
            throw new IllegalArgumentException("database-url: after the master name only a database number may follow" + example);
        }
        int db = path.length == 2 ? database("/" + path[1]) : 0;
        return new RedisUrl(tls, null, 0, cred[0], cred[1], db, sentinels, master);
    }

    private static Endpoint endpoint(String hp, String example) {
        String host;
        String port = null;
        if (hp.startsWith("[")) {
            int close = hp.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("database-url: unclosed '[' in the Sentinel address '" + hp + "'" + example);
            }
            host = hp.substring(1, close);
            if (hp.length() > close + 1) {
                if (hp.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("database-url: bad Sentinel address '" + hp + "'" + example);
                }
                port = hp.substring(close + 2);
            }
        } else {
            int colon = hp.indexOf(':');
            host = colon < 0 ? hp : hp.substring(0, colon);
            port = colon < 0 ? null : hp.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9_.:%-]+")) {
            throw new IllegalArgumentException("database-url: bad Sentinel host '" + hp + "'" + example);
        }
        int p = SENTINEL_PORT;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("database-url: bad Sentinel port in '" + hp + "'" + example);
            }
            p = Integer.parseInt(port);
        }
        return new Endpoint(host, p);
    }

    /** {user, password} from the raw user info, decoded; nulls when absent. */
    private static String[] credentials(String info) {
        if (info == null) {
            return new String[2];
        }
        int colon = info.indexOf(':');
        if (colon < 0) {
            return new String[] {null, decode(info)};
        }
        return new String[] {colon == 0 ? null : decode(info.substring(0, colon)), decode(info.substring(colon + 1))};
    }

    private static int database(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String s = path.substring(1);
        if (!s.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("database-url: the path must be a database number, not '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("database-url: bad percent-encoding");
        }
    }

    /** For logs: the password is never shown. */
    @Override
    public String toString() {
        String cred = user != null ? user + ":***@" : password != null ? ":***@" : "";
        if (viaSentinel()) {
            return (tls ? "rediss-sentinel://" : "redis-sentinel://") + cred
                    + String.join(",", sentinels.stream().map(Endpoint::toString).toList()) + "/" + master + "/" + db;
        }
        return (tls ? "rediss://" : "redis://") + cred + host + ":" + port + "/" + db;
    }
}
