package keyward.store.sql;

import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * How to reach one SQL database. Immutable: {@code extra} is copied in and out.
 *
 * @param type      "sqlite", "postgresql" or "mysql" (MySQL and MariaDB, both through Connector/J)
 * @param url       a {@code jdbc:} URL or an operator form such as {@code postgres://user:pass@host/db}
 *                  (see {@link JdbcUrls}); for SQLite also a plain file path
 * @param user      overrides the user in {@code url}; null to keep it
 * @param password  overrides the password in {@code url}; null to keep it. Never logged
 * @param poolSize  connections per pool, 1..200 (SQLite: readers; it always has one writer more)
 * @param timeoutMs bound on connecting, on each statement and on waiting for a pooled connection
 * @param extra     driver properties passed through last, so they win over the defaults. The
 *                  operator's MySQL client certificate goes here: {@code clientCertificateKeyStoreUrl=file:/path.p12},
 *                  {@code clientCertificateKeyStorePassword}, {@code clientCertificateKeyStoreType=PKCS12},
 *                  {@code sslMode=VERIFY_CA} (and {@code trustCertificateKeyStoreUrl} for the server's CA)
 */
public record SqlOptions(String type, String url, String user, String password, int poolSize, int timeoutMs,
                         Properties extra) {

    static final Set<String> TYPES = Set.of("sqlite", "postgresql", "mysql");
    private static final Set<String> SECRET_PROPERTIES = Set.of("password", "clientcertificatekeystorepassword",
            "trustcertificatekeystorepassword", "sslpassword", "sslkey");

    public SqlOptions {
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("database type must be one of sqlite, postgresql, mysql; got " + type);
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database url is required for database type " + type);
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("database pool size must be 1..200; got " + poolSize);
        }
        if (timeoutMs < 100 || timeoutMs > 600_000) {
            throw new IllegalArgumentException("database timeout must be 100..600000 ms; got " + timeoutMs);
        }
        extra = copy(extra);
    }

    /** A SQLite database in {@code file}: 4 readers, 5 s timeout. */
    public static SqlOptions sqlite(Path file) {
        return new SqlOptions("sqlite", "jdbc:sqlite:" + file.toAbsolutePath(), null, null, 4, 5000, null);
    }

    /** A copy of the driver properties (the record keeps its own). */
    @Override
    public Properties extra() {
        return copy(extra);
    }

    public SqlOptions withPoolSize(int size) {
        return new SqlOptions(type, url, user, password, size, timeoutMs, extra);
    }

    public SqlOptions withTimeoutMs(int ms) {
        return new SqlOptions(type, url, user, password, poolSize, ms, extra);
    }

    /** Masks the password, the URL's credentials and secret-looking driver properties. */
    @Override
    public String toString() {
        StringBuilder props = new StringBuilder();
        for (String name : extra.stringPropertyNames()) {
            boolean secret = SECRET_PROPERTIES.contains(name.toLowerCase(java.util.Locale.ROOT));
            props.append(props.length() == 0 ? "" : ", ").append(name).append('=')
                    .append(secret ? "***" : extra.getProperty(name));
        }
        return "SqlOptions[type=" + type + ", url=" + JdbcUrls.redact(url) + ", user=" + user
                + ", password=" + (password == null ? "null" : "***") + ", poolSize=" + poolSize
                + ", timeoutMs=" + timeoutMs + ", extra={" + props + "}]";
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        if (p != null) {
            for (String name : p.stringPropertyNames()) {
                c.setProperty(name, p.getProperty(name));
            }
        }
        return c;
    }
}
