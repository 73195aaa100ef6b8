package keyward.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import keyward.store.TcpProxy;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Redis black-holed (a proxy that stops moving bytes), one request waits at most
 * db_timeout_ms in all and answers 503 with Retry-After, whatever number of Redis round trips
 * it needed. Before, each round trip waited db_timeout_ms of its own: 2, 3 times the setting, and
 * a write whose Redis came back during the third wait answered 201 long after its time.
 */
class RedisDeadlineTest {
    private static final int TIMEOUT_MS = 1000;
    private static final String DB = "12";

    @TempDir
    Path tmp;

    @BeforeEach
    @AfterEach
    void emptyDatabase() throws Exception {
        TestDatabases.requireRedis();
        Process p = new ProcessBuilder("redis-cli", "-n", DB, "FLUSHDB").redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    void blackHoledRedis_eachRequestAnswers503WithinOneTimeout_andTheInstanceRecovers() throws Exception {
        Path pw = tmp.resolve("redis.pass");
        Files.writeString(pw, "a long redis master password\n", StandardCharsets.UTF_8);
        Path dir = tmp.resolve("data");
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
            String[] flags = {"--database-type=redis-findex", "--database-url=redis://127.0.0.1:" + proxy.port() + "/" + DB,
                "--redis-master-password-file=" + pw, "--db-timeout-ms=" + TIMEOUT_MS, "--cache-ttl-ms=0"};
            String admin = TestNode.init(dir, flags);
            try (TestNode node = TestNode.startIn(dir, false, flags)) {
                Http h = node.http(admin);
                assertEquals(201, h.post("/v1/keys", Map.of("name", "k", "algorithm", "aes-256-gcm")).status());

                proxy.stall();
                // a rotate by name: the token, the name for the audit, the key, the write: several round trips
                for (String[] call : new String[][] {{"/v1/keys/k/rotate", "{}"},
                        {"/v1/keys", "{\"name\": \"k2\", \"algorithm\": \"aes-256-gcm\"}"},
                        {"/v1/keys/k/encrypt", "{\"plaintext\": \"aGk=\"}"}}) {
                    long t0 = System.nanoTime();
                    Http.Res r = h.send("POST", call[0], call[1].getBytes(StandardCharsets.UTF_8), "application/json");
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(503, r.status(), call[0] + ": " + r);
                    assertNotNull(r.header("Retry-After"), call[0]);
                    assertTrue(ms < TIMEOUT_MS * 3 / 2, call[0] + " answered after " + ms + " ms; db_timeout_ms is " + TIMEOUT_MS);
                }

                proxy.restore();
                Poll.until("the instance serves again", () -> h.post("/v1/keys/k/rotate", Map.of()).status() == 200);
            }
        }
    }
}
