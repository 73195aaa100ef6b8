package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import keyward.Http;
import org.junit.jupiter.api.Test;

/** Domains, retention and refresh: who is told what (only the node that should refresh is told to), and who replaces its data by itself. */
class RefreshTest {

    private static String state(Cluster c, int node) {
        return (String) partner(c, node).get("state");
    }

    private static Map<String, Object> partner(Cluster c, int node) {
        return Http.asMap(Http.asList(c.nodes[node].replicator().status().get("partners")).get(0));
    }

    @Test
    void newNode_isToldDomainMismatch_untilRefreshedByTheCommand() throws Exception {
        try (Cluster c = new Cluster(2, false).startAll()) {
            String id = MergeScenariosTest.createKey(c.admin(0), "before-refresh");
            Cluster.await("b told domain mismatch", () -> Protocol.DOMAIN_MISMATCH.equals(state(c, 1)));
            Cluster.await("a told domain mismatch", () -> Protocol.DOMAIN_MISMATCH.equals(state(c, 0)));
            String toB = (String) partner(c, 1).get("last_error");
            String toA = (String) partner(c, 0).get("last_error");
            assertTrue(toB.contains("run 'keyward refresh-replication-consumer --from " + c.url(0) + "' on this node"), toB);
            assertTrue(toA.contains("nothing to do on this node") && !toA.contains("on this node (or"), toA);
            assertEquals(401, c.admin(1).get("/v1/keys/" + id).status());
            c.stop(1);
            String out = Cluster.cli("refresh-replication-consumer", "--yes", "--from", c.url(0),
                    "--data-dir", c.dirs.get(1).toString(), "--config", c.dirs.get(1).resolve("keyward.toml").toString());
            assertEquals(true, out.contains("refreshed"), out);
            c.start(1);
            Cluster.await("key on b", () -> c.admin(1).get("/v1/keys/" + id).status() == 200);
            String later = MergeScenariosTest.createKey(c.admin(1), "after-refresh");
            Cluster.await("b's key on a", () -> c.admin(0).get("/v1/keys/" + later).status() == 200);
            c.awaitConverged();
        }
    }

    @Test
    void nodeOfflineBeyondRetention_isToldToRefresh_andOnlyTheSecondaryRefreshesByItself() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String shared = MergeScenariosTest.createKey(c.admin(0), "shared");
            c.awaitConverged();

            c.stop(0); // the primary goes away; the secondary writes and trims past it
            String onB = MergeScenariosTest.createKey(c.admin(1), "made-while-a-was-down");
            c.nodes[1].replicator().trim(Instant.now().plusSeconds(60));
            c.start(0);
            Cluster.await("a told refresh required", () -> Protocol.REFRESH_REQUIRED.equals(state(c, 0)));
            int polls = c.proxies.get(1).accepted();
            Cluster.await("a polls b three more times", () -> c.proxies.get(1).accepted() >= polls + 3);
            assertEquals(Protocol.REFRESH_REQUIRED, state(c, 0), "the primary never refreshes by itself");
            assertEquals(404, c.admin(0).get("/v1/keys/" + onB).status());
            assertEquals(200, c.admin(0).get("/v1/keys/" + shared).status());

            c.stop(1); // now the secondary is the one left behind
            String onA = MergeScenariosTest.createKey(c.admin(0), "made-while-b-was-down");
            c.nodes[0].replicator().trim(Instant.now().plusSeconds(60));
            c.start(1);
            Cluster.await("b refreshed by itself", () -> c.admin(1).get("/v1/keys/" + onA).status() == 200);
            assertNotEquals(200, c.admin(1).get("/v1/keys/" + onB).status(), "a refresh replaces the local data");
            Cluster.await("b ok", () -> "ok".equals(state(c, 1)));
        }
    }
}
