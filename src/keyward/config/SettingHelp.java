package keyward.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * One line of help per {@link Setting}: what {@code keyward server --help} prints. The same words
 * annotate conf/keyward.toml (ShippedConfigTest keeps the two in step).
 */
final class SettingHelp {
    private static final Map<Setting, String> TEXT = new EnumMap<>(Setting.class);

    static {
        TEXT.put(Setting.PORT, "HTTP(S) port; 0 picks a free port");
        TEXT.put(Setting.BIND, "address to listen on; 0.0.0.0 for every interface");
        TEXT.put(Setting.DATA_DIR, "directory of the key files and the SQLite database");
        TEXT.put(Setting.DATABASE_TYPE, "which database holds the keys");
        TEXT.put(Setting.DATABASE_URL, "where the database is; required unless sqlite");
        TEXT.put(Setting.SQLITE_PATH, "SQLite file (default <data_dir>/keyward.db)");
        TEXT.put(Setting.DATABASE_PASSWORD_FILE, "database password, kept out of the URL");
        TEXT.put(Setting.MYSQL_USER_CERT_FILE, "PKCS#12 client certificate for MySQL/MariaDB");
        TEXT.put(Setting.MYSQL_USER_CERT_PASSWORD_FILE, "password of that PKCS#12 file");
        TEXT.put(Setting.DB_POOL_SIZE, "database connections per instance");
        TEXT.put(Setting.DB_TIMEOUT_MS, "connect, statement and lock timeout");
        TEXT.put(Setting.REDIS_MASTER_PASSWORD, "redis-findex master password (prefer the file: a flag shows in ps)");
        TEXT.put(Setting.REDIS_MASTER_PASSWORD_FILE, "file holding the redis-findex master password");
        TEXT.put(Setting.REDIS_FINDEX_LABEL, "public label mixed into the encrypted index");
        TEXT.put(Setting.REDIS_TLS_CA_FILE, "PEM certificates to trust for rediss:// and rediss-sentinel:// (default: the JVM's trust store)");
        TEXT.put(Setting.REDIS_MIN_REPLICAS, "replicas that must have each redis-findex write before it is acknowledged (WAIT)");
        TEXT.put(Setting.KEK_FILE, "master key file (default <data_dir>/kek.key)");
        TEXT.put(Setting.KEK_PASSPHRASE_FILE, "derive the master key from this passphrase instead");
        TEXT.put(Setting.PEPPER_FILE, "token hashing key (default <data_dir>/pepper.key)");
        TEXT.put(Setting.AUDIT_KEY_FILE, "audit signing key (default <data_dir>/audit.key)");
        TEXT.put(Setting.NODE_NAME, "this instance's name in the audit log (default: the host name)");
        TEXT.put(Setting.MAX_BODY_BYTES, "largest request body");
        TEXT.put(Setting.WORKER_THREADS, "connection threads kept ready; 0 = automatic");
        TEXT.put(Setting.REQUEST_TIMEOUT_MS, "time allowed to read a request and write its answer");
        TEXT.put(Setting.HEADER_TIMEOUT_MS, "time allowed for the TLS handshake and a request's headers");
        TEXT.put(Setting.KEEPALIVE_TIMEOUT_MS, "how long an idle connection stays open between requests");
        TEXT.put(Setting.MAX_CONNECTIONS, "connections open at once (one thread each); more get 503");
        TEXT.put(Setting.MAX_CONNECTIONS_PER_CLIENT, "connections open at once from one address; more get 503");
        TEXT.put(Setting.CACHE_TTL_MS, "how stale a cached key or token may be");
        TEXT.put(Setting.PENDING_DAYS_DEFAULT, "days before a deleted key is destroyed");
        TEXT.put(Setting.PENDING_DAYS_MIN, "smallest pending_days a caller may ask for");
        TEXT.put(Setting.CREATE_USERS, "who may create keys; empty = any authenticated user");
        TEXT.put(Setting.VAULT_KV_MOUNTS, "Vault KV v2 mounts served under /v1/ (docs/vault.md)");
        TEXT.put(Setting.ADMIN_CAN_GRANT, "admins may change grants on any user's key (off: only its owner)");
        TEXT.put(Setting.JOBS_INTERVAL_MS, "how often periodic jobs (rotation, destruction) run");
        TEXT.put(Setting.TLS_CERT_FILE, "PEM certificate chain: serve HTTPS");
        TEXT.put(Setting.TLS_KEY_FILE, "PEM private key of that certificate");
        TEXT.put(Setting.TLS_P12_FILE, "PKCS#12 certificate and key: serve HTTPS");
        TEXT.put(Setting.TLS_P12_PASSWORD_FILE, "password of that PKCS#12 file");
        TEXT.put(Setting.CLIENTS_CA_CERT_FILE, "accept client certificates from this CA (CN = user name)");
        TEXT.put(Setting.KMIP_PORT, "KMIP (binary TTLV over mutual TLS) port; 0 = off, 5696 is usual (docs/kmip.md)");
        TEXT.put(Setting.KMIP_BIND, "address the KMIP port listens on (default: bind)");
        TEXT.put(Setting.KMIP_MAX_MESSAGE_BYTES, "largest KMIP request message");
        TEXT.put(Setting.LOG_LEVEL, "log threshold");
        TEXT.put(Setting.CHANGELOG_RETENTION_DAYS, "days the replication changelog is kept");
        TEXT.put(Setting.TRUSTED_PROXIES, "addresses or CIDR ranges whose X-Forwarded-For is believed; empty = none");
    }

    private SettingHelp() {
    }

    static String of(Setting s) {
        String text = TEXT.get(s);
        if (text == null) {
            throw new IllegalStateException("setting " + s.key + " has no help text");
        }
        return text;
    }

    /** Every flag with its value, help, allowed values and default, one per line. */
    static String flags() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            String flag = s.flag() + " " + placeholder(s);
            sb.append("  ").append(flag);
            sb.append(" ".repeat(Math.max(1, 40 - flag.length()))).append(of(s)).append(allowed(s)).append('\n');
        }
        return sb.toString();
    }

    private static String placeholder(Setting s) {
        return switch (s.type) {
            case INT -> "N";
            case PATH -> s == Setting.DATA_DIR ? "DIR" : "FILE";
            case LIST -> "NAME,NAME";
            case CHOICE -> String.join("|", s.choices);
            case SECRET -> "SECRET";
            default -> s == Setting.BIND ? "ADDRESS" : s == Setting.DATABASE_URL ? "URL" : "TEXT";
        };
    }

    private static String allowed(Setting s) {
        String range = s.type == Setting.Type.INT ? s.min + ".." + s.max : "";
        String dflt = s.dflt == null || s.type == Setting.Type.SECRET || s.type == Setting.Type.LIST ? ""
                : "default " + (s.type == Setting.Type.PATH || s.type == Setting.Type.INT ? s.dflt : "\"" + s.dflt + "\"");
        if (range.isEmpty() && dflt.isEmpty()) {
            return "";
        }
        return " (" + range + (range.isEmpty() || dflt.isEmpty() ? "" : ", ") + dflt + ")";
    }
}
