package keyward.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which backend a configuration opens, and which configurations are refused before any connection. */
class StoresTest {
    @TempDir
    Path tmp;

    private static Config config(String... flags) {
        return Config.load(List.of(flags), Map.of());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void badTypeAndUrlCombinations_areConfigErrorsNamingTheSetting() {
        String[][] cases = { // the setting named, what is wrong, the flags
            {"'database_type'", "must be", "--database-type=oracle"},
            {"'database_url'", "is required when", "--database-type=postgresql"},
            {"'database_url'", "is required when", "--database-type=mysql"},
            {"'database_url'", "is not used when", "--database-url=postgresql://127.0.0.1/x"},
            {"'redis_master_password_file'", "is required when", "--database-type=redis-findex",
                "--database-url=redis://127.0.0.1:6379"},
        };
        for (String[] c : cases) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> config(java.util.Arrays.copyOfRange(c, 2, c.length)), String.join(" ", c));
            assertTrue(e.getMessage().startsWith("config: ") && e.getMessage().contains(c[0])
                    && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void redisFindex_withAnUnreadablePasswordFile_isRefusedBeforeConnecting() throws Exception {
        Path missing = tmp.resolve("redis.pw");
        Config c = config("--database-type=redis-findex", "--database-url=redis://127.0.0.1:" + closedPort(),
                "--redis-master-password-file=" + missing);
        ConfigException e = assertThrows(ConfigException.class, () -> Stores.create(c));
        assertEquals("config: 'redis_master_password_file' cannot be read: " + missing, e.getMessage());
    }

    @Test
    void postgresql_withAnUnreadablePasswordFile_isRefusedBeforeConnecting() throws Exception {
        Path missing = tmp.resolve("db.pw");
        Config c = config("--database-type=postgresql", "--database-url=postgresql://kw@127.0.0.1:" + closedPort()
                + "/kw", "--database-password-file=" + missing);
        ConfigException e = assertThrows(ConfigException.class, () -> Stores.create(c));
        assertEquals("config: 'database_password_file' cannot be read: " + missing, e.getMessage());
    }

    @Test
    void readSecret_isTheFirstLine_withoutItsLineEnding() throws Exception {
        Path f = tmp.resolve("s");
        Files.writeString(f, "pa ss\r\nsecond line\n");
        assertEquals("pa ss", Stores.readSecret(f, "x"));
        Files.writeString(f, "no newline");
        assertEquals("no newline", Stores.readSecret(f, "x"));
        Files.writeString(f, "");
        assertEquals("", Stores.readSecret(f, "x"));
    }
}
