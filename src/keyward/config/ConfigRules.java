package keyward.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static keyward.config.Setting.*;

/**
 * The checks between settings (a TLS certificate without its key, options of another database
 * type, ...) and the assembly of the {@link Config}, with paths under data_dir resolved.
 */
final class ConfigRules {

    private final Map<Setting, Object> values;
    private final Map<Setting, ConfigLoader.Given> given;

    private ConfigRules(Map<Setting, Object> values, Map<Setting, ConfigLoader.Given> given) {
        this.values = values;
        this.given = given;
    }

    static Config check(Map<Setting, Object> values, Map<Setting, ConfigLoader.Given> given,
                        Config.Replication replication, List<String> warnings) {
        ConfigRules r = new ConfigRules(values, given);
        r.database();
        r.secrets();
        r.tls();
        r.proxies();
        if (r.integer(PENDING_DAYS_DEFAULT) < r.integer(PENDING_DAYS_MIN)) {
            throw r.fail(PENDING_DAYS_DEFAULT, "is below " + r.named(PENDING_DAYS_MIN)
                    + "; the default must not be below the minimum");
        }
        return r.build(replication, warnings);
    }

    private void database() {
        String type = (String) values.get(DATABASE_TYPE);
        if (!type.equals("sqlite") && !isSet(DATABASE_URL)) {
            throw new ConfigException("config: 'database_url' is required when " + named(DATABASE_TYPE)
                    + " is " + type);
        }
        onlyFor(type, "sqlite", DATABASE_URL, DATABASE_PASSWORD_FILE);
        onlyWith(type, "sqlite", SQLITE_PATH);
        onlyWith(type, "mysql", MYSQL_USER_CERT_FILE, MYSQL_USER_CERT_PASSWORD_FILE);
        onlyWith(type, "redis-findex", REDIS_MASTER_PASSWORD, REDIS_MASTER_PASSWORD_FILE, REDIS_FINDEX_LABEL,
                REDIS_MIN_REPLICAS, REDIS_TLS_CA_FILE);
        needs(MYSQL_USER_CERT_PASSWORD_FILE, MYSQL_USER_CERT_FILE);
        if (type.equals("redis-findex")) {
            exclusive(REDIS_MASTER_PASSWORD, REDIS_MASTER_PASSWORD_FILE);
            if (!isSet(REDIS_MASTER_PASSWORD) && !isSet(REDIS_MASTER_PASSWORD_FILE)) {
                throw new ConfigException("config: 'redis_master_password_file' (or 'redis_master_password')"
                        + " is required when " + named(DATABASE_TYPE) + " is redis-findex");
            }
        }
    }

    private void secrets() {
        exclusive(KEK_FILE, KEK_PASSPHRASE_FILE);
    }

    private void proxies() {
        @SuppressWarnings("unchecked") // SettingValues gives List<String> for LIST settings
        List<String> entries = (List<String>) values.get(TRUSTED_PROXIES);
        for (String entry : entries) {
            try {
                AddressRange.parse(entry);
            } catch (IllegalArgumentException e) {
                throw fail(TRUSTED_PROXIES, "entry " + e.getMessage());
            }
        }
    }

    private void tls() {
        needs(TLS_CERT_FILE, TLS_KEY_FILE);
        needs(TLS_KEY_FILE, TLS_CERT_FILE);
        exclusive(TLS_CERT_FILE, TLS_P12_FILE);
        needs(TLS_P12_FILE, TLS_P12_PASSWORD_FILE);
        needs(TLS_P12_PASSWORD_FILE, TLS_P12_FILE);
        if (isSet(CLIENTS_CA_CERT_FILE) && !isSet(TLS_CERT_FILE) && !isSet(TLS_P12_FILE)) {
            throw fail(CLIENTS_CA_CERT_FILE, "needs server TLS: set 'tls_cert_file' and 'tls_key_file',"
                    + " or 'tls_p12_file'");
        }
        if (integer(KMIP_PORT) != 0 && !isSet(CLIENTS_CA_CERT_FILE)) {
            throw fail(KMIP_PORT, "needs client certificates: set 'clients_ca_cert_file' (and 'tls_cert_file' with"
                    + " 'tls_key_file', or 'tls_p12_file'); KMIP clients are known by their certificate's CN");
        }
    }

    /** Settings that only make sense for one database type. */
    private void onlyWith(String type, String wanted, Setting... settings) {
        for (Setting s : settings) {
            if (!type.equals(wanted) && isSet(s)) {
                throw fail(s, "is only used when 'database_type' is " + wanted
                        + ", but " + named(DATABASE_TYPE) + " is " + type);
            }
        }
    }

    /** Settings that make no sense for one database type. */
    private void onlyFor(String type, String refused, Setting... settings) {
        for (Setting s : settings) {
            if (type.equals(refused) && isSet(s)) {
                throw fail(s, "is not used when " + named(DATABASE_TYPE) + " is " + type
                        + "; set 'database_type' too");
            }
        }
    }

    private void needs(Setting s, Setting required) {
        if (isSet(s) && !isSet(required)) {
            throw fail(s, "is set but '" + required.key + "' is not");
        }
    }

    private void exclusive(Setting a, Setting b) {
        if (isSet(a) && isSet(b)) {
            throw fail(a, "and " + named(b) + " are both set; use one");
        }
    }

    /** Given somewhere with a value other than the default: only such a value can contradict. */
    private boolean isSet(Setting s) {
        Object v = values.get(s);
        return v != null && given.containsKey(s) && !v.equals(s.dflt);
    }

    /** "'key' (source)": the key and where its value came from, "default" if nowhere. */
    private String named(Setting s) {
        ConfigLoader.Given g = given.get(s);
        return "'" + s.key + "' (" + (g == null ? "default" : g.source()) + ")";
    }

    private ConfigException fail(Setting s, String what) {
        return new ConfigException("config: " + named(s) + " " + what);
    }

    private int integer(Setting s) {
        return ((Long) values.get(s)).intValue();
    }

    private String string(Setting s) {
        return (String) values.get(s);
    }

    private Path path(Setting s) {
        return (Path) values.get(s);
    }

    private Path pathOr(Setting s, Path dataDir, String fileName) {
        Path p = path(s);
        return p != null ? p : dataDir.resolve(fileName);
    }

    private Config build(Config.Replication replication, List<String> warnings) {
        Path dataDir = path(DATA_DIR);
        @SuppressWarnings("unchecked") // SettingValues gives List<String> for LIST settings
        List<String> createUsers = (List<String>) values.get(CREATE_USERS);
        @SuppressWarnings("unchecked")
        List<String> trustedProxies = (List<String>) values.get(TRUSTED_PROXIES);
        @SuppressWarnings("unchecked")
        List<String> vaultKvMounts = (List<String>) values.get(VAULT_KV_MOUNTS);
        return new Config(
                integer(PORT), string(BIND), dataDir,
                string(DATABASE_TYPE), string(DATABASE_URL), pathOr(SQLITE_PATH, dataDir, "keyward.db"),
                path(DATABASE_PASSWORD_FILE), path(MYSQL_USER_CERT_FILE), path(MYSQL_USER_CERT_PASSWORD_FILE),
                integer(DB_POOL_SIZE), integer(DB_TIMEOUT_MS),
                string(REDIS_MASTER_PASSWORD), path(REDIS_MASTER_PASSWORD_FILE), string(REDIS_FINDEX_LABEL),
                integer(REDIS_MIN_REPLICAS), path(REDIS_TLS_CA_FILE),
                pathOr(KEK_FILE, dataDir, "kek.key"), path(KEK_PASSPHRASE_FILE),
                pathOr(PEPPER_FILE, dataDir, "pepper.key"), pathOr(AUDIT_KEY_FILE, dataDir, "audit.key"),
                string(NODE_NAME),
                integer(MAX_BODY_BYTES), integer(WORKER_THREADS), integer(REQUEST_TIMEOUT_MS),
                integer(HEADER_TIMEOUT_MS), integer(KEEPALIVE_TIMEOUT_MS), integer(MAX_CONNECTIONS),
                integer(MAX_CONNECTIONS_PER_CLIENT), integer(CACHE_TTL_MS),
                integer(PENDING_DAYS_DEFAULT), integer(PENDING_DAYS_MIN), createUsers, vaultKvMounts, (Boolean) values.get(ADMIN_CAN_GRANT), integer(JOBS_INTERVAL_MS),
                path(TLS_CERT_FILE), path(TLS_KEY_FILE), path(TLS_P12_FILE), path(TLS_P12_PASSWORD_FILE),
                path(CLIENTS_CA_CERT_FILE), integer(KMIP_PORT), string(KMIP_BIND), integer(KMIP_MAX_MESSAGE_BYTES),
                string(LOG_LEVEL), integer(CHANGELOG_RETENTION_DAYS),
                trustedProxies, replication, warnings);
    }
}
