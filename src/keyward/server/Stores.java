package keyward.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import keyward.config.Config;
import keyward.config.ConfigException;
import keyward.crypto.KeyDerivation;
import keyward.store.Store;
import keyward.store.redis.RedisOptions;
import keyward.store.redis.RedisStore;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import keyward.time.Clock;

/** Opens the configured backend. The one place that knows every backend's options. */
public final class Stores {
    private Stores() {
    }

    /** A store for the configuration, not yet {@code open()}ed. */
    public static Store create(Config c) {
        return create(c, Clock.system());
    }

    /** The same, on {@code clock}. */
    public static Store create(Config c, Clock clock) {
        switch (c.databaseType()) {
            case "sqlite":
                return SqlStore.open(SqlOptions.sqlite(c.sqlitePath()).withPoolSize(Math.min(c.dbPoolSize(), 8))
                        .withTimeoutMs(c.dbTimeoutMs()), clock);
            case "postgresql":
            case "mysql":
                Properties extra = new Properties();
                if (c.mysqlUserCertFile() != null) {
                    extra.setProperty("clientCertificateKeyStoreUrl", c.mysqlUserCertFile().toUri().toString());
                    extra.setProperty("clientCertificateKeyStoreType", "PKCS12");
                    if (c.mysqlUserCertPasswordFile() != null) {
                        extra.setProperty("clientCertificateKeyStorePassword",
                                readSecret(c.mysqlUserCertPasswordFile(), "mysql_user_cert_password_file"));
                    }
                    extra.setProperty("sslMode", "VERIFY_CA");
                }
                String password = c.databasePasswordFile() == null ? null
                        : readSecret(c.databasePasswordFile(), "database_password_file");
                return SqlStore.open(new SqlOptions(c.databaseType(), c.databaseUrl(), null, password, c.dbPoolSize(),
                        c.dbTimeoutMs(), extra), clock);
            case "redis-findex":
                char[] pw = c.redisMasterPasswordFile() != null
                        ? readSecret(c.redisMasterPasswordFile(), "redis_master_password_file").toCharArray()
                        : c.redisMasterPassword().toCharArray();
                return RedisStore.open(new RedisOptions(c.databaseUrl(), pw, c.redisFindexLabel(), "kw",
                        c.dbPoolSize(), c.dbTimeoutMs(), c.redisMinReplicas()),
                        Tls.clientFactory(c.redisTlsCaFile(), "redis_tls_ca_file"), KeyDerivation::fromPassword);
            default:
                throw new ConfigException("config: 'database_type' must be sqlite, postgresql, mysql or redis-findex");
        }
    }

    /** The first line of a secret file, without its line ending. */
    static String readSecret(Path file, String key) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return (nl < 0 ? s : s.substring(0, nl)).replace("\r", "");
        } catch (IOException e) {
            throw new ConfigException("config: '" + key + "' cannot be read: " + file);
        }
    }
}
