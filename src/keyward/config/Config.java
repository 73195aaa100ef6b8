package keyward.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Keyward's one immutable, validated configuration, built once at start by {@link #load}.
 *
 * <p>Precedence: flags ({@code --db-pool-size=32} or {@code --db-pool-size 32}) over environment
 * variables ({@code KEYWARD_DB_POOL_SIZE}) over the TOML file (named by {@code --config FILE}
 * or {@code KEYWARD_CONFIG}; none if neither) over defaults. Lists ({@code create_users}) are
 * comma-separated in flags and the environment. Relative paths are taken as given, relative to
 * the working directory; paths left unset under {@code data_dir} are already resolved here, so
 * {@link #kekFile()} is never null. {@link #nodeName()} is null when it is to be derived.
 * {@link #replication()} is null when the file has no {@code [replication]} table.
 *
 * <p>Every problem (unknown flag, environment variable or key, wrong type, value out of range,
 * two settings that contradict each other) is a {@link ConfigException} whose message names the
 * key and where the value came from. {@link #toString()} masks secrets like
 * {@link #describeMasked()}. Instances are immutable and thread-safe.
 */
public record Config(
        int port, String bind, Path dataDir,
        String databaseType, String databaseUrl, Path sqlitePath, Path databasePasswordFile,
        Path mysqlUserCertFile, Path mysqlUserCertPasswordFile, int dbPoolSize, int dbTimeoutMs,
        String redisMasterPassword, Path redisMasterPasswordFile, String redisFindexLabel, int redisMinReplicas, Path redisTlsCaFile,
        Path kekFile, Path kekPassphraseFile, Path pepperFile, Path auditKeyFile, String nodeName,
        int maxBodyBytes, int workerThreads, int requestTimeoutMs, int headerTimeoutMs, int keepaliveTimeoutMs,
        int maxConnections, int maxConnectionsPerClient, int cacheTtlMs,
        int pendingDaysDefault, int pendingDaysMin, List<String> createUsers, List<String> vaultKvMounts, boolean adminCanGrant, int jobsIntervalMs,
        Path tlsCertFile, Path tlsKeyFile, Path tlsP12File, Path tlsP12PasswordFile,
        Path clientsCaCertFile, int kmipPort, String kmipBind, int kmipMaxMessageBytes, String logLevel, int changelogRetentionDays, List<String> trustedProxies,
        Replication replication, List<String> warnings) {

    /**
     * The {@code [replication]} table: how partners reach this node ({@code repl://host:port}),
     * the address its replication listener binds ({@code host:port}), and its partners in file
     * order.
     */
    public record Replication(String origin, String bindAddress, List<Partner> partners) {
        public Replication {
            partners = List.copyOf(partners);
        }
    }

    /**
     * One {@code [replication."repl://host:port"]} table. {@code type} is "mutual-pull", "pull"
     * or "allow-pull"; the certificates are base64 DER, and the one the type needs is present
     * (partner, supplier and consumer certificate respectively).
     */
    public record Partner(String url, String type, String partnerCert, String supplierCert,
                          String consumerCert, boolean automaticRefresh) {
    }

    public Config {
        createUsers = List.copyOf(createUsers);
        trustedProxies = List.copyOf(trustedProxies);
        vaultKvMounts = List.copyOf(vaultKvMounts);
        warnings = List.copyOf(warnings);
    }

    /**
     * Builds the configuration from command-line flags (without the subcommand) and the
     * environment, reading the TOML file they name.
     *
     * @throws ConfigException naming the key and its source when anything is wrong
     */
    public static Config load(List<String> flags, Map<String, String> env) {
        return ConfigLoader.load(flags, env);
    }

    /** The configuration with every setting at its default. */
    /**
     * Every setting as a flag, one per line with its help, range and default, for
     * {@code keyward server --help}; each is also a KEYWARD_* variable and a conf/keyward.toml key.
     */
    public static String flagsHelp() {
        return SettingHelp.flags();
    }

    public static Config defaults() {
        return load(List.of(), Map.of());
    }

    /** True when the HTTP listener uses TLS (PEM pair or PKCS#12). */
    public boolean tlsEnabled() {
        return tlsCertFile != null || tlsP12File != null;
    }

    /**
     * The effective configuration, one {@code key = value} line per setting in a fixed order,
     * secrets shown as {@code ***} and a password inside {@code database_url} masked too.
     */
    public String describeMasked() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            sb.append(s.key).append(" = ").append(ConfigText.show(s, get(s))).append('\n');
        }
        if (replication != null) {
            sb.append("replication.origin = ").append(ConfigText.quote(replication.origin())).append('\n');
            sb.append("replication.bindaddress = ").append(ConfigText.quote(replication.bindAddress())).append('\n');
            for (Partner p : replication.partners()) {
                String prefix = "replication." + ConfigText.quote(p.url()) + ".";
                sb.append(prefix).append("type = ").append(ConfigText.quote(p.type())).append('\n');
                appendCert(sb, prefix + "partner_cert", p.partnerCert());
                appendCert(sb, prefix + "supplier_cert", p.supplierCert());
                appendCert(sb, prefix + "consumer_cert", p.consumerCert());
                sb.append(prefix).append("automatic_refresh = ").append(p.automaticRefresh()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void appendCert(StringBuilder sb, String key, String cert) {
        if (cert != null) {
            sb.append(key).append(" = ").append(ConfigText.abbreviate(cert)).append('\n');
        }
    }

    @Override
    public String toString() {
        return "Config[\n" + describeMasked() + "]";
    }

    /** The value of one setting as held by this record. */
    Object get(Setting s) {
        return switch (s) {
            case PORT -> port;
            case BIND -> bind;
            case DATA_DIR -> dataDir;
            case DATABASE_TYPE -> databaseType;
            case DATABASE_URL -> databaseUrl;
            case SQLITE_PATH -> sqlitePath;
            case DATABASE_PASSWORD_FILE -> databasePasswordFile;
            case MYSQL_USER_CERT_FILE -> mysqlUserCertFile;
            case MYSQL_USER_CERT_PASSWORD_FILE -> mysqlUserCertPasswordFile;
            case DB_POOL_SIZE -> dbPoolSize;
            case DB_TIMEOUT_MS -> dbTimeoutMs;
            case REDIS_MASTER_PASSWORD -> redisMasterPassword;
            case REDIS_MASTER_PASSWORD_FILE -> redisMasterPasswordFile;
            case REDIS_FINDEX_LABEL -> redisFindexLabel;
            case REDIS_MIN_REPLICAS -> redisMinReplicas;
            case REDIS_TLS_CA_FILE -> redisTlsCaFile;
            case KEK_FILE -> kekFile;
            case KEK_PASSPHRASE_FILE -> kekPassphraseFile;
            case PEPPER_FILE -> pepperFile;
            case AUDIT_KEY_FILE -> auditKeyFile;
            case NODE_NAME -> nodeName;
            case MAX_BODY_BYTES -> maxBodyBytes;
            case WORKER_THREADS -> workerThreads;
            case REQUEST_TIMEOUT_MS -> requestTimeoutMs;
            case HEADER_TIMEOUT_MS -> headerTimeoutMs;
            case KEEPALIVE_TIMEOUT_MS -> keepaliveTimeoutMs;
            case MAX_CONNECTIONS -> maxConnections;
            case MAX_CONNECTIONS_PER_CLIENT -> maxConnectionsPerClient;
            case CACHE_TTL_MS -> cacheTtlMs;
            case PENDING_DAYS_DEFAULT -> pendingDaysDefault;
            case PENDING_DAYS_MIN -> pendingDaysMin;
            case CREATE_USERS -> createUsers;
            case VAULT_KV_MOUNTS -> vaultKvMounts;
            case ADMIN_CAN_GRANT -> adminCanGrant;
            case JOBS_INTERVAL_MS -> jobsIntervalMs;
            case TLS_CERT_FILE -> tlsCertFile;
            case TLS_KEY_FILE -> tlsKeyFile;
            case TLS_P12_FILE -> tlsP12File;
            case TLS_P12_PASSWORD_FILE -> tlsP12PasswordFile;
            case CLIENTS_CA_CERT_FILE -> clientsCaCertFile;
            case KMIP_PORT -> kmipPort;
            case KMIP_BIND -> kmipBind;
            case KMIP_MAX_MESSAGE_BYTES -> kmipMaxMessageBytes;
            case LOG_LEVEL -> logLevel;
            case CHANGELOG_RETENTION_DAYS -> changelogRetentionDays;
            case TRUSTED_PROXIES -> trustedProxies;
        };
    }
}
