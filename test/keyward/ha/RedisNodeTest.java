package keyward.ha;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.TestNode;
import keyward.cli.Cli;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole server on redis-findex: init, the API, restart, and label rotation from the command line. */
class RedisNodeTest {
    private static final String URL = "redis://127.0.0.1:6379/9";

    @TempDir
    Path tmp;

    @BeforeEach
    @AfterEach
    void cleanDatabase9() throws Exception {
        TestDatabases.requireRedis();
        Process p = new ProcessBuilder("redis-cli", "-n", "9", "--scan", "--pattern", "kw:*").redirectErrorStream(true).start();
        String keys = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        for (String k : keys.split("\n")) {
            if (!k.isBlank()) {
                new ProcessBuilder("redis-cli", "-n", "9", "DEL", k.trim()).start().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private String[] flags(Path pw, String label) {
        return new String[] {"--database-type=redis-findex", "--database-url=" + URL,
                "--redis-master-password-file=" + pw, "--redis-findex-label=" + label};
    }

    @Test
    void serverOnRedisFindex_servesRestartsAndRotatesItsLabel() throws Exception {
        Path pw = tmp.resolve("redis.pass");
        Files.writeString(pw, "a long redis master password\n");
        Path dir = tmp.resolve("data");
        String admin = TestNode.init(dir, flags(pw, "2026-q4"));
        String ct;
        try (TestNode node = TestNode.startIn(dir, false, flags(pw, "2026-q4"))) {
            Http h = node.http(admin);
            assertEquals(201, h.post("/v1/keys", Map.of("name", "redis-key", "algorithm", "aes-256-gcm", "tags", List.of("pci"))).status());
            ct = h.post("/v1/keys/redis-key/encrypt", Map.of("plaintext", b64("in redis"))).str("ciphertext");
            assertEquals(1, Http.asList(h.get("/v1/keys?tag=pci").json().get("keys")).size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = concat(new String[] {"rotate-findex-label", "--new-label", "2027-q1", "--data-dir", dir.toString()},
                flags(pw, "2026-q4"));
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("label rotated"), out.toString(StandardCharsets.UTF_8));

        try (TestNode node = TestNode.startIn(dir, false, flags(pw, "2027-q1"))) {
            Http h = node.http(admin);
            assertEquals(b64("in redis"), h.post("/v1/keys/redis-key/decrypt", Map.of("ciphertext", ct)).str("plaintext"));
            assertEquals(1, Http.asList(h.get("/v1/keys?tag=pci").json().get("keys")).size());
        }
        Exception refused = null;
        try (TestNode stale = TestNode.startIn(dir, false, flags(pw, "2026-q4"))) {
            assertNotEquals(null, stale, "an instance with the old label must refuse");
        } catch (RuntimeException e) {
            refused = e;
        }
        assertTrue(refused != null && refused.getMessage().contains("label"), String.valueOf(refused));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
