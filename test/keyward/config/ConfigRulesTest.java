package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRulesTest {

    private static String refusal(String... flags) {
        return ConfigTest.refusal(List.of(flags), Map.of());
    }

    private static Config load(String... flags) {
        return Config.load(List.of(flags), Map.of());
    }

    @Test
    void networkDatabase_withoutUrl_isRefused() {
        assertEquals("config: 'database_url' is required when 'database_type' (flag --database-type) is postgresql",
                refusal("--database-type=postgresql"));
        Config c = load("--database-type=mysql", "--database-url=jdbc:mysql://127.0.0.1:3306/test",
                "--database-password-file=/run/pw", "--mysql-user-cert-file=/c.p12",
                "--mysql-user-cert-password-file=/c.pw");
        assertEquals("mysql", c.databaseType());
        assertEquals(Path.of("/c.p12"), c.mysqlUserCertFile());
    }

    @Test
    void sqlite_withNetworkDatabaseSettings_isRefused() {
        assertEquals("config: 'database_url' (flag --database-url) is not used when 'database_type' (default)"
                + " is sqlite; set 'database_type' too", refusal("--database-url=jdbc:postgresql://x/y"));
        assertTrue(refusal("--database-password-file=/pw").startsWith("config: 'database_password_file' (flag"));
    }

    @Test
    void settingsOfAnotherDatabaseType_areRefused() {
        assertEquals("config: 'sqlite_path' (flag --sqlite-path) is only used when 'database_type' is sqlite,"
                + " but 'database_type' (flag --database-type) is postgresql",
                refusal("--database-type=postgresql", "--database-url=u", "--sqlite-path=/x.db"));
        assertTrue(refusal("--mysql-user-cert-file=/c.p12").contains("only used when 'database_type' is mysql"));
        assertTrue(refusal("--redis-findex-label=l").contains("'redis_findex_label' (flag --redis-findex-label)"
                + " is only used when 'database_type' is redis-findex"));
        assertEquals("default", load("--redis-findex-label=default").redisFindexLabel());
    }

    @Test
    void mysqlCertPassword_withoutCert_isRefused() {
        assertTrue(refusal("--database-type=mysql", "--database-url=u", "--mysql-user-cert-password-file=/p")
                .endsWith("is set but 'mysql_user_cert_file' is not"));
    }

    @Test
    void redisFindex_needsExactlyOnePasswordOption() {
        assertEquals("config: 'redis_master_password_file' (or 'redis_master_password') is required when"
                + " 'database_type' (flag --database-type) is redis-findex",
                refusal("--database-type=redis-findex", "--database-url=redis://127.0.0.1:6379"));
        String both = refusal("--database-type=redis-findex", "--database-url=redis://h:1",
                "--redis-master-password=hunter2", "--redis-master-password-file=/pw");
        assertTrue(both.contains("are both set"), both);
        assertFalse(both.contains("hunter2"));
        Config c = load("--database-type=redis-findex", "--database-url=redis://h:1",
                "--redis-master-password-file=/pw", "--redis-findex-label=blue");
        assertEquals(Path.of("/pw"), c.redisMasterPasswordFile());
        assertEquals("blue", c.redisFindexLabel());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void redisPasswordAsFlag_worksButWarnsAndIsMasked() {
        Config c = load("--database-type=redis-findex", "--database-url=redis://:urlsecret@h:1",
                "--redis-master-password", "hunter2");
        assertEquals("hunter2", c.redisMasterPassword());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("ps"));
        assertTrue(c.warnings().get(0).contains("--redis-master-password-file"));
        for (String text : List.of(c.describeMasked(), c.toString(), c.warnings().get(0))) {
            assertFalse(text.contains("hunter2"), text);
            assertFalse(text.contains("urlsecret"), text);
        }
        assertTrue(c.describeMasked().contains("redis_master_password = ***\n"));
        assertTrue(c.describeMasked().contains("database_url = \"redis://:***@h:1\"\n"));
    }

    @Test
    void redisPasswordFromEnvironment_doesNotWarn() {
        Config c = Config.load(List.of("--database-type=redis-findex", "--database-url=redis://h:1"),
                Map.of("KEYWARD_REDIS_MASTER_PASSWORD", "hunter2"));
        assertEquals("hunter2", c.redisMasterPassword());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void maskUrl_hidesPasswordsInUserInfoAndParameters() {
        assertEquals("jdbc:postgresql://u:***@h/db", ConfigText.maskUrl("jdbc:postgresql://u:p@ss@h/db"));
        assertEquals("jdbc:mysql://h/db?user=root&password=***&ssl=true",
                ConfigText.maskUrl("jdbc:mysql://h/db?user=root&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://h/db?sslpassword=***", ConfigText.maskUrl("jdbc:postgresql://h/db?sslpassword=x"));
        assertEquals("jdbc:postgresql://h1:5432,h2:5432/db", ConfigText.maskUrl("jdbc:postgresql://h1:5432,h2:5432/db"));
    }

    @Test
    void kekFileAndPassphraseFile_areExclusive() {
        assertTrue(refusal("--kek-file=/k", "--kek-passphrase-file=/p").startsWith(
                "config: 'kek_file' (flag --kek-file) and 'kek_passphrase_file' (flag --kek-passphrase-file) are both set"));
        Config c = load("--kek-passphrase-file=/p");
        assertEquals(Path.of("/p"), c.kekPassphraseFile());
    }

    @Test
    void pendingDefaultBelowMinimum_isRefused() {
        assertEquals("config: 'pending_days_default' (flag --pending-days-default) is below 'pending_days_min'"
                + " (default); the default must not be below the minimum", refusal("--pending-days-default=3"));
        assertEquals(0, load("--pending-days-default=0", "--pending-days-min=0").pendingDaysDefault());
    }

    @Test
    void tlsContradictions_areRefusedNamingBothKeys() {
        assertTrue(refusal("--tls-cert-file=/c").endsWith("'tls_cert_file' (flag --tls-cert-file) is set but 'tls_key_file' is not"));
        assertTrue(refusal("--tls-key-file=/k").endsWith("is set but 'tls_cert_file' is not"));
        assertTrue(refusal("--tls-cert-file=/c", "--tls-key-file=/k", "--tls-p12-file=/p", "--tls-p12-password-file=/pw")
                .contains("'tls_cert_file' (flag --tls-cert-file) and 'tls_p12_file' (flag --tls-p12-file) are both set"));
        assertTrue(refusal("--tls-p12-file=/p").endsWith("is set but 'tls_p12_password_file' is not"));
        assertTrue(refusal("--tls-p12-password-file=/p").endsWith("is set but 'tls_p12_file' is not"));
        assertTrue(refusal("--clients-ca-cert-file=/ca").startsWith("config: 'clients_ca_cert_file' (flag"
                + " --clients-ca-cert-file) needs server TLS"));
    }

    @Test
    void tlsCombinationsThatMakeSense_areAccepted() {
        Config pem = load("--tls-cert-file=/c", "--tls-key-file=/k", "--clients-ca-cert-file=/ca");
        assertTrue(pem.tlsEnabled());
        assertEquals(Path.of("/ca"), pem.clientsCaCertFile());
        Config p12 = load("--tls-p12-file=/p", "--tls-p12-password-file=/pw");
        assertTrue(p12.tlsEnabled());
        assertNull(p12.tlsCertFile());
    }

    @Test
    void describeMasked_listsEverySettingOnce() {
        String text = load("--create-users=a,b").describeMasked();
        for (Setting s : Setting.values()) {
            assertEquals(1, text.lines().filter(l -> l.startsWith(s.key + " = ")).count(), s.key);
        }
        assertTrue(text.contains("port = 9998\n"));
        assertTrue(text.contains("data_dir = \"./data\"\n"));
        assertTrue(text.contains("kek_file = \"./data/kek.key\"\n"));
        assertTrue(text.contains("create_users = [\"a\", \"b\"]\n"));
        assertTrue(text.contains("redis_master_password = (not set)\n"));
        assertEquals(Setting.values().length, text.lines().count());
    }

    @Test
    void errorMessages_neverContainSecretValues() {
        String msg = refusal("--redis-master-password=hunter2");
        assertFalse(msg.contains("hunter2"), msg);
        assertTrue(msg.startsWith("config: 'redis_master_password' (flag --redis-master-password)"), msg);
        assertFalse(ConfigTest.refusal(List.of("--redis-master-password=a\u0001hunter2"), Map.of()).contains("hunter2"));
    }
}
