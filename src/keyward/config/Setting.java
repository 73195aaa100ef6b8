package keyward.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every top-level setting: its TOML key, type, default and allowed values. The flag is the key
 * in kebab case ({@code --db-pool-size}), the environment variable the key in upper snake case
 * with a {@code KEYWARD_} prefix ({@code KEYWARD_DB_POOL_SIZE}). The order is the order of
 * {@link Config#describeMasked()} and of conf/keyward.toml.
 */
enum Setting {
    PORT("port", Type.INT, 9998L, 0, 65535),
    BIND("bind", Type.STRING, "127.0.0.1"),
    DATA_DIR("data_dir", Type.PATH, Path.of("./data")),
    DATABASE_TYPE("database_type", Type.CHOICE, "sqlite", "sqlite", "postgresql", "mysql", "redis-findex"),
    DATABASE_URL("database_url", Type.STRING, null),
    SQLITE_PATH("sqlite_path", Type.PATH, null),
    DATABASE_PASSWORD_FILE("database_password_file", Type.PATH, null),
    MYSQL_USER_CERT_FILE("mysql_user_cert_file", Type.PATH, null),
    MYSQL_USER_CERT_PASSWORD_FILE("mysql_user_cert_password_file", Type.PATH, null),
    DB_POOL_SIZE("db_pool_size", Type.INT, 16L, 1, 256),
    DB_TIMEOUT_MS("db_timeout_ms", Type.INT, 5000L, 100, 60000),
    REDIS_MASTER_PASSWORD("redis_master_password", Type.SECRET, null),
    REDIS_MASTER_PASSWORD_FILE("redis_master_password_file", Type.PATH, null),
    REDIS_FINDEX_LABEL("redis_findex_label", Type.STRING, "default"),
    REDIS_MIN_REPLICAS("redis_min_replicas", Type.INT, 0L, 0, 16),
    REDIS_TLS_CA_FILE("redis_tls_ca_file", Type.PATH, null),
    KEK_FILE("kek_file", Type.PATH, null),
    KEK_PASSPHRASE_FILE("kek_passphrase_file", Type.PATH, null),
    PEPPER_FILE("pepper_file", Type.PATH, null),
    AUDIT_KEY_FILE("audit_key_file", Type.PATH, null),
    NODE_NAME("node_name", Type.STRING, null),
    MAX_BODY_BYTES("max_body_bytes", Type.INT, 1048576L, 1024, 67108864),
    WORKER_THREADS("worker_threads", Type.INT, 0L, 0, 1024),
    REQUEST_TIMEOUT_MS("request_timeout_ms", Type.INT, 30000L, 1000, 600000),
    HEADER_TIMEOUT_MS("header_timeout_ms", Type.INT, 10000L, 100, 600000),
    KEEPALIVE_TIMEOUT_MS("keepalive_timeout_ms", Type.INT, 30000L, 100, 3600000),
    MAX_CONNECTIONS("max_connections", Type.INT, 1024L, 1, 16384),
    MAX_CONNECTIONS_PER_CLIENT("max_connections_per_client", Type.INT, 256L, 1, 16384),
    CACHE_TTL_MS("cache_ttl_ms", Type.INT, 1000L, 0, 5000),
    PENDING_DAYS_DEFAULT("pending_days_default", Type.INT, 7L, 0, 3650),
    PENDING_DAYS_MIN("pending_days_min", Type.INT, 7L, 0, 3650),
    CREATE_USERS("create_users", Type.LIST, List.of()),
    VAULT_KV_MOUNTS("vault_kv_mounts", Type.LIST, List.of("secret")),
    ADMIN_CAN_GRANT("admin_can_grant", Type.BOOL, Boolean.FALSE),
    JOBS_INTERVAL_MS("jobs_interval_ms", Type.INT, 1000L, 100, 3600000),
    TLS_CERT_FILE("tls_cert_file", Type.PATH, null),
    TLS_KEY_FILE("tls_key_file", Type.PATH, null),
    TLS_P12_FILE("tls_p12_file", Type.PATH, null),
    TLS_P12_PASSWORD_FILE("tls_p12_password_file", Type.PATH, null),
    CLIENTS_CA_CERT_FILE("clients_ca_cert_file", Type.PATH, null),
    KMIP_PORT("kmip_port", Type.INT, 0L, 0, 65535),
    KMIP_BIND("kmip_bind", Type.STRING, null),
    KMIP_MAX_MESSAGE_BYTES("kmip_max_message_bytes", Type.INT, 1048576L, 1024, 67108864),
    LOG_LEVEL("log_level", Type.CHOICE, "info", "debug", "info", "warn", "error"),
    CHANGELOG_RETENTION_DAYS("changelog_retention_days", Type.INT, 7L, 1, 3650),
    TRUSTED_PROXIES("trusted_proxies", Type.LIST, List.of());

    /** How a value is written and checked. */
    enum Type { INT, STRING, PATH, CHOICE, SECRET, LIST, BOOL }

    private static final Map<String, Setting> BY_KEY = new HashMap<>();
    private static final Map<String, Setting> BY_FLAG = new HashMap<>();
    private static final Map<String, Setting> BY_ENV = new HashMap<>();

    static {
        for (Setting s : values()) {
            BY_KEY.put(s.key, s);
            BY_FLAG.put(s.flag(), s);
            BY_ENV.put(s.env(), s);
        }
    }

    final String key;
    final Type type;
    /** Typed as {@link SettingValues#convert} gives it; null when unset by default. */
    final Object dflt;
    final long min;
    final long max;
    final List<String> choices;

    Setting(String key, Type type, Object dflt) {
        this(key, type, dflt, 0, 0, List.of());
    }

    Setting(String key, Type type, long dflt, long min, long max) {
        this(key, type, dflt, min, max, List.of());
    }

    Setting(String key, Type type, String dflt, String... choices) {
        this(key, type, dflt, 0, 0, List.of(choices));
    }

    Setting(String key, Type type, Object dflt, long min, long max, List<String> choices) {
        this.key = key;
        this.type = type;
        this.dflt = dflt;
        this.min = min;
        this.max = max;
        this.choices = choices;
    }

    String flag() {
        return "--" + key.replace('_', '-');
    }

    String env() {
        return "KEYWARD_" + key.toUpperCase(Locale.ROOT);
    }

    static Setting byKey(String key) {
        return BY_KEY.get(key);
    }

    static Setting byFlag(String flag) {
        return BY_FLAG.get(flag);
    }

    static Setting byEnv(String env) {
        return BY_ENV.get(env);
    }
}
