package keyward.ha;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import keyward.Http;
import keyward.ManualClock;
import keyward.Poll;
import keyward.TestNode;
import keyward.store.TcpProxy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database outage (a TCP proxy cut between the instance and the database) gives 503 with
 * Retry-After within the configured timeout, never a hang or a 500; when the link is back the
 * same instance serves again without a restart.
 */
class OutageTest {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mysql"})
    void databaseOutage_gives503WithRetryAfter_andRecoversByItself(String type) throws Exception {
        ManualClock clock = new ManualClock();
        try (Cluster c = new Cluster(type, 0, clock)) {
            int dbPort = type.equals("postgresql") ? 5432 : 3306;
            try (TcpProxy proxy = new TcpProxy("127.0.0.1", dbPort);
                 TestNode node = c.start(0, proxy.port(), "--db-timeout-ms=1000", "--cache-ttl-ms=200")) {
                Http h = node.http(c.adminToken);
                String id = h.post("/v1/keys", Map.of("name", "survivor", "algorithm", "aes-256-gcm")).str("id");
                String ct = h.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("kept"))).str("ciphertext");

                proxy.cut();
                clock.advanceMillis(200);  // past the cache bound: requests must reach the database
                long t0 = System.nanoTime();
                Http.Res down = h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(503, down.status(), down.toString());
                assertEquals("unavailable", down.errorCode());
                assertNotNull(down.header("Retry-After"));
                assertTrue(ms < 5000, "503 took " + ms + " ms");
                Http.Res get = h.get("/v1/keys/" + id);
                assertEquals(503, get.status(), get.toString());
                assertEquals(503, node.http(null).get("/ready").status());

                proxy.restore();
                Poll.until("the instance recovers by itself", () -> h.get("/v1/keys/" + id).status() == 200);
                assertEquals(b64("kept"), h.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct)).str("plaintext"));
                assertEquals(201, h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).status());
                assertEquals(200, node.http(null).get("/ready").status());
            }
        }
    }
}
