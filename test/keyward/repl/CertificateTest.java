package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.config.Config;
import keyward.server.Node;
import org.junit.jupiter.api.Test;

/** Pinning: exactly the listed certificates replicate; renewal keeps replication going. */
class CertificateTest {

    @Test
    void unpinnedCertificate_isRefusedBeforeAnyDataMoves() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            MergeScenariosTest.createKey(c.admin(0), "secret-stuff");
            Path rogue = Files.createTempDirectory("kw-rogue-");
            try {
                for (String f : List.of("kek.key", "pepper.key", "audit.key")) {
                    Files.copy(c.dirs.get(0).resolve(f), rogue.resolve(f));
                }
                int port = Cluster.freePort();
                Proxy toA = new Proxy(c.replPorts.get(0)); // the rogue's own way to a, to count its polls
                Files.writeString(rogue.resolve("keyward.toml"), "[replication]\norigin = \"repl://127.0.0.1:" + port
                        + "\"\nbindaddress = \"127.0.0.1:" + port + "\"\n\n[replication.\"repl://127.0.0.1:" + toA.port()
                        + "\"]\n"
                        + "type = \"pull\"\nsupplier_cert = \"" + c.certs.get(0) + "\"\nautomatic_refresh = true\n");
                try (toA; Node n = Node.start(Config.load(List.of("--data-dir=" + rogue, "--port=0", "--log-level=error",
                        "--config=" + rogue.resolve("keyward.toml")), Map.of()), Cluster.FAST)) {
                    Cluster.await("rogue refused", () -> {
                        Map<String, Object> p = Http.asMap(Http.asList(n.replicator().status().get("partners")).get(0));
                        return "error".equals(p.get("state"));
                    });
                    int polls = toA.accepted();
                    Cluster.await("the rogue polls twice more", () -> toA.accepted() >= polls + 2);
                    Map<String, Object> p = Http.asMap(Http.asList(n.replicator().status().get("partners")).get(0));
                    assertEquals("error", p.get("state"));
                    assertTrue(String.valueOf(p.get("last_error")).contains("TLS"), String.valueOf(p.get("last_error")));
                    assertEquals(List.of(), n.store().replica().orElseThrow().write("t", tx -> tx.keyIds()));
                    assertTrue(n.store().replica().orElseThrow().vector().keySet().size() <= 1, "only its own origin");
                }
            } finally {
                TestNode.deleteTree(rogue);
            }
        }
    }

    @Test
    void renewal_keepsReplicationGoing_withTheOldPinAndThenTheNewOne() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String renewed = Cluster.cli("renew-replication-certificate", "--data-dir", c.dirs.get(0).toString()).trim();
            assertNotEquals(c.certs.get(0), renewed);
            Cluster.await("a presents its new identity by default", () -> c.nodes[0].replicator().certificateBase64().equals(renewed));
            String k1 = MergeScenariosTest.createKey(c.admin(0), "after-renewal");
            String k2 = MergeScenariosTest.createKey(c.admin(1), "after-renewal-on-b");
            Cluster.await("both ways with the old pin", () -> c.admin(1).get("/v1/keys/" + k1).status() == 200
                    && c.admin(0).get("/v1/keys/" + k2).status() == 200);
            c.stop(1);
            c.writeConfig(1, renewed);
            c.start(1);
            String k3 = MergeScenariosTest.createKey(c.admin(0), "with-the-new-pin");
            String k4 = MergeScenariosTest.createKey(c.admin(1), "with-the-new-pin-on-b");
            Cluster.await("both ways with the new pin", () -> c.admin(1).get("/v1/keys/" + k3).status() == 200
                    && c.admin(0).get("/v1/keys/" + k4).status() == 200);
        }
    }
}
