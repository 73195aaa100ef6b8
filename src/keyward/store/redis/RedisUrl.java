package keyward.store.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} (TLS) URL.
 * {@code user} and {@code password} are null when absent; {@link #toString()} masks the password.
 */
record RedisUrl(boolean tls, String host, int port, String user, String password, int db) {

    static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database-url: a redis:// or rediss:// URL is required");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database-url: not a valid URL (expected redis://[user:password@]host:port[/db])");
        }
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("database-url: scheme must be redis or rediss, not " + scheme);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("database-url: the URL names no host");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("database-url: query and fragment are not supported");
        }
        int port = u.getPort() == -1 ? 6379 : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        return new RedisUrl("rediss".equals(scheme), u.getHost(), port, user, password, database(u.getPath()));
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
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** For logs: the password is never shown. */
    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user != null ? user + ":***@" : password != null ? ":***@" : "")
                + host + ":" + port + "/" + db;
    }
}
