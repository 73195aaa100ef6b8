package keyward.ha;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.Poll;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/haproxy.cfg, pointed at two real instances, balances them and survives losing one. */
class HaproxySampleTest {
    @TempDir
    Path tmp;

    @Test
    void sampleHaproxyConfig_balancesInstances_andRoutesAroundAStoppedOne() throws Exception {
        TestDatabases.require("HAProxy (apt-get install haproxy)", Files.isExecutable(Path.of("/usr/sbin/haproxy")));
        try (Cluster c = new Cluster("postgresql", 2)) {
            int front = keyward.TestPorts.free();
            String cfg = Files.readString(Path.of("conf/haproxy.cfg"))
                    .replace("bind 127.0.0.1:8998", "bind 127.0.0.1:" + front)
                    .replace("127.0.0.1:9998 check", "127.0.0.1:" + c.nodes.get(0).node.port() + " check")
                    .replace("127.0.0.1:9999 check", "127.0.0.1:" + c.nodes.get(1).node.port() + " check");
            Path file = tmp.resolve("haproxy.cfg");
            Files.writeString(file, cfg);
            Process check = new ProcessBuilder("/usr/sbin/haproxy", "-c", "-f", file.toString()).redirectErrorStream(true).start();
            assertTrue(check.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, check.exitValue(), new String(check.getInputStream().readAllBytes()));
            Process haproxy = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("haproxy.log").toFile()).start();
            try {
                waitForPort(front);
                Http h = new Http("http://127.0.0.1:" + front, c.adminToken);
                String id = h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
                for (int i = 0; i < 20; i++) {
                    String ct = h.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("p" + i))).str("ciphertext");
                    assertEquals(b64("p" + i), h.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct)).str("plaintext"));
                }
                c.nodes.get(0).stop();
                // HAProxy's health checks run on its own clock, which no test can move: two failed
                // /ready checks at 1 s take the stopped instance out
                Thread.sleep(2500);
                for (int i = 0; i < 20; i++) {
                    Http.Res r = h.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("after")));
                    assertEquals(200, r.status(), r.toString());
                }
            } finally {
                haproxy.destroy();
                haproxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void waitForPort(int port) {
        Poll.until("haproxy listens", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoLinger(false, 0);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
