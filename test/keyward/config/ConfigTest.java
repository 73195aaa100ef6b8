package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("k.toml");
        Files.writeString(f, text);
        return f;
    }

    static String refusal(List<String> flags, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> Config.load(flags, env)).getMessage();
    }

    @Test
    void defaults_matchTheDocumentedValues() {
        Config c = Config.defaults();
        assertEquals(9998, c.port());
        assertEquals("127.0.0.1", c.bind());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals("sqlite", c.databaseType());
        assertNull(c.databaseUrl());
        assertEquals(Path.of("./data/keyward.db"), c.sqlitePath());
        assertEquals(16, c.dbPoolSize());
        assertEquals(5000, c.dbTimeoutMs());
        assertEquals("default", c.redisFindexLabel());
        assertEquals(Path.of("./data/kek.key"), c.kekFile());
        assertEquals(Path.of("./data/pepper.key"), c.pepperFile());
        assertEquals(Path.of("./data/audit.key"), c.auditKeyFile());
        assertNull(c.kekPassphraseFile());
        assertNull(c.nodeName());
        assertEquals(1048576, c.maxBodyBytes());
        assertEquals(0, c.workerThreads());
        assertEquals(30000, c.requestTimeoutMs());
        assertEquals(1000, c.cacheTtlMs());
        assertEquals(7, c.pendingDaysDefault());
        assertEquals(7, c.pendingDaysMin());
        assertEquals(List.of(), c.createUsers());
        assertEquals(1000, c.jobsIntervalMs());
        assertNull(c.tlsCertFile());
        assertFalse(c.tlsEnabled());
        assertEquals("info", c.logLevel());
        assertEquals(7, c.changelogRetentionDays());
        assertNull(c.replication());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void load_pathsUnderDataDir_followTheDataDir() {
        Config c = Config.load(List.of("--data-dir=/srv/kw", "--kek-file", "/etc/kw/kek"), Map.of());
        assertEquals(Path.of("/srv/kw/keyward.db"), c.sqlitePath());
        assertEquals(Path.of("/etc/kw/kek"), c.kekFile());
        assertEquals(Path.of("/srv/kw/pepper.key"), c.pepperFile());
    }

    @Test
    void load_flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path f = file("port = 1\ndb_pool_size = 2\ndb_timeout_ms = 300\n");
        Config c = Config.load(List.of("--config", f.toString(), "--port=4"),
                Map.of("KEYWARD_PORT", "5", "KEYWARD_DB_POOL_SIZE", "6"));
        assertEquals(4, c.port());
        assertEquals(6, c.dbPoolSize());
        assertEquals(300, c.dbTimeoutMs());
        assertEquals(30000, c.requestTimeoutMs());
    }

    @Test
    void load_configFileFromEnvironment_isRead() throws IOException {
        Path f = file("bind = \"0.0.0.0\"\n");
        assertEquals("0.0.0.0", Config.load(List.of(), Map.of("KEYWARD_CONFIG", f.toString())).bind());
        Path other = dir.resolve("other.toml");
        Files.writeString(other, "bind = \"::1\"\n");
        assertEquals("::1", Config.load(List.of("--config=" + other), Map.of("KEYWARD_CONFIG", f.toString())).bind());
    }

    @Test
    void load_flagForms_equalsAndSeparateValue_bothWork() {
        Config c = Config.load(List.of("--port=0", "--bind", "::", "--create-users", "alice, bob,,"), Map.of());
        assertEquals(0, c.port());
        assertEquals("::", c.bind());
        assertEquals(List.of("alice", "bob"), c.createUsers());
    }

    @Test
    void load_environmentUnrelatedOrEmpty_isIgnored() {
        Config c = Config.load(List.of(), Map.of("PATH", "/bin", "KEYWARD_JAVA_OPTS", "-Xmx1g", "KEYWARD_PORT", ""));
        assertEquals(9998, c.port());
    }

    @Test
    void load_unknownFlagEnvironmentOrKey_isRefused() throws IOException {
        assertEquals("config: unknown flag '--prot'", refusal(List.of("--prot=1"), Map.of()));
        assertEquals("config: unknown environment variable 'KEYWARD_PROT'", refusal(List.of(), Map.of("KEYWARD_PROT", "1")));
        Path f = file("port = 1\n\nprot = 2\n");
        assertEquals("config: unknown key 'prot' (file " + f + " line 3)",
                refusal(List.of("--config", f.toString()), Map.of()));
        Path t = file("[server]\nport = 1\n");
        assertTrue(refusal(List.of("--config", t.toString()), Map.of()).contains("unknown key 'server'"));
    }

    @Test
    void load_malformedArguments_areRefused() {
        assertEquals("config: flag --port needs a value", refusal(List.of("--port"), Map.of()));
        assertEquals("config: flag --port given twice", refusal(List.of("--port=1", "--port=2"), Map.of()));
        assertEquals("config: flag --config given twice", refusal(List.of("--config=a", "--config=b"), Map.of()));
        assertTrue(refusal(List.of("--port=1", "secret-positional"), Map.of())
                .startsWith("config: unexpected argument #2;"));
        assertFalse(refusal(List.of("secret-positional"), Map.of()).contains("secret"));
        assertTrue(refusal(List.of("--"), Map.of()).contains("unexpected argument #1"));
    }

    @Test
    void load_outOfRangeValues_nameKeySourceAndRange() throws IOException {
        assertEquals("config: 'db_pool_size' (flag --db-pool-size) must be 1..256 (got 0)",
                refusal(List.of("--db-pool-size=0"), Map.of()));
        assertEquals("config: 'port' (environment KEYWARD_PORT) must be 0..65535 (got 70000)",
                refusal(List.of(), Map.of("KEYWARD_PORT", "70000")));
        Path f = file("# x\ncache_ttl_ms = 5001\n");
        assertEquals("config: 'cache_ttl_ms' (file " + f + " line 2) must be 0..5000 (got 5001)",
                refusal(List.of("--config", f.toString()), Map.of()));
        for (String[] bad : new String[][] {{"--max-body-bytes=1023"}, {"--worker-threads=1025"},
                {"--request-timeout-ms=999"}, {"--jobs-interval-ms=99"}, {"--changelog-retention-days=0"},
                {"--pending-days-min=3651"}, {"--db-timeout-ms=60001"}, {"--port=-1"}}) {
            String flag = bad[0];
            String key = flag.substring(2, flag.indexOf('=')).replace('-', '_');
            assertTrue(refusal(List.of(flag), Map.of()).startsWith("config: '" + key + "' (flag "), flag);
        }
    }

    @Test
    void load_wrongTypes_areRefusedNamingTheKey() throws IOException {
        assertEquals("config: 'port' (flag --port) must be an integer in 0..65535",
                refusal(List.of("--port=80a"), Map.of()));
        assertEquals("config: 'port' (flag --port) must be an integer in 0..65535",
                refusal(List.of("--port=99999999999999999999"), Map.of()));
        Path f = file("port = \"9998\"\n");
        assertEquals("config: 'port' (file " + f + " line 1) must be an integer in 0..65535",
                refusal(List.of("--config", f.toString()), Map.of()));
        Path g = file("bind = 1\n");
        assertTrue(refusal(List.of("--config", g.toString()), Map.of()).endsWith("'bind' (file " + g + " line 1) must be a string"));
        Path h = file("create_users = \"alice\"\n");
        assertTrue(refusal(List.of("--config", h.toString()), Map.of()).endsWith("must be an array of strings"));
        Path i = file("create_users = [\"alice\", 1]\n");
        assertTrue(refusal(List.of("--config", i.toString()), Map.of()).endsWith("must be an array of non-empty strings"));
    }

    @Test
    void adminCanGrant_isOffByDefault_andTakesOnlyTrueOrFalse() throws IOException {
        assertFalse(Config.load(List.of(), Map.of()).adminCanGrant());
        assertTrue(Config.load(List.of("--admin-can-grant=true"), Map.of()).adminCanGrant());
        assertTrue(Config.load(List.of(), Map.of("KEYWARD_ADMIN_CAN_GRANT", "true")).adminCanGrant());
        Path on = file("admin_can_grant = true\n");
        assertTrue(Config.load(List.of("--config", on.toString()), Map.of()).adminCanGrant());
        assertEquals("config: 'admin_can_grant' (flag --admin-can-grant) must be true or false",
                refusal(List.of("--admin-can-grant=yes"), Map.of()));
        Path quoted = file("admin_can_grant = \"true\"\n");
        assertTrue(refusal(List.of("--config", quoted.toString()), Map.of()).endsWith("must be true or false"));
    }

    @Test
    void load_choices_areCheckedAndNamed() {
        assertEquals("config: 'database_type' (flag --database-type) must be one of sqlite, postgresql, mysql,"
                + " redis-findex (got 'oracle')", refusal(List.of("--database-type=oracle"), Map.of()));
        assertTrue(refusal(List.of("--log-level=trace"), Map.of()).contains("debug, info, warn, error"));
        assertEquals("warn", Config.load(List.of("--log-level=warn"), Map.of()).logLevel());
    }

    @Test
    void load_stringsAndNames_areChecked() {
        assertEquals("config: 'bind' (flag --bind) must not be empty", refusal(List.of("--bind="), Map.of()));
        assertTrue(refusal(List.of("--bind=a\nb"), Map.of()).contains("without control characters"));
        assertTrue(refusal(List.of("--node-name=a b"), Map.of()).startsWith("config: 'node_name' (flag --node-name) must be"));
        assertEquals("node-1.example:x", Config.load(List.of("--node-name=node-1.example:x"), Map.of()).nodeName());
        assertNull(Config.load(List.of("--node-name="), Map.of()).nodeName());
    }

    @Test
    void load_configFileProblems_areNamed() throws IOException {
        assertEquals("config: file " + dir.resolve("none.toml") + " does not exist",
                refusal(List.of("--config", dir.resolve("none.toml").toString()), Map.of()));
        Path bad = dir.resolve("bad.toml");
        Files.write(bad, new byte[] {'a', '=', '"', (byte) 0xC3, '"'});
        assertTrue(refusal(List.of("--config", bad.toString()), Map.of()).endsWith("is not valid UTF-8"));
        Path big = dir.resolve("big.toml");
        Files.write(big, ("#" + "x".repeat(ConfigLoader.MAX_FILE_BYTES)).getBytes(StandardCharsets.US_ASCII));
        assertTrue(refusal(List.of("--config", big.toString()), Map.of()).contains("is larger than"));
        Path syntax = file("port = 1\nport = 2\n");
        assertEquals("config: file " + syntax + " line 2: duplicate key 'port'",
                refusal(List.of("--config", syntax.toString()), Map.of()));
    }

    @Test
    void everySetting_canBeGivenByFlagEnvironmentAndFile() throws IOException {
        for (Setting s : Setting.values()) {
            assertEquals(s, Setting.byFlag("--" + s.key.replace('_', '-')));
            assertEquals(s, Setting.byEnv("KEYWARD_" + s.key.toUpperCase(java.util.Locale.ROOT)));
            assertEquals(s, Setting.byKey(s.key));
        }
        Path f = file("pending_days_default = 30\npending_days_min = 1\nlog_level = \"debug\"\n"
                + "create_users = [\"admin\"]\nnode_name = \"n1\"\n");
        Config c = Config.load(List.of("--config", f.toString()), Map.of());
        assertEquals(30, c.pendingDaysDefault());
        assertEquals(1, c.pendingDaysMin());
        assertEquals("debug", c.logLevel());
        assertEquals(List.of("admin"), c.createUsers());
        assertEquals("n1", c.nodeName());
    }

    @Test
    void config_isImmutable() {
        Config c = Config.load(List.of("--create-users=a"), Map.of());
        assertThrows(UnsupportedOperationException.class, () -> c.createUsers().add("b"));
        assertThrows(UnsupportedOperationException.class, () -> c.warnings().add("b"));
    }
}
