package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import keyward.Http;
import org.junit.jupiter.api.Test;

/** Auto-rotation on three connected nodes: one new version per period for the domain, not one per node. */
class AutoRotationTest {

    private static final int PERIOD_SECONDS = 2;

    @Test
    void autoRotation_onThreeConnectedNodes_givesOneVersionPerPeriod() throws Exception {
        try (Cluster c = new Cluster(3).startAll()) {
            c.awaitJoined();
            c.awaitConverged();
            long start = System.nanoTime();
            Http.Res r = c.admin(0).post("/v1/keys", Map.of("name", "rotating", "algorithm", "aes-256-gcm",
                    "auto_rotate_period", PERIOD_SECONDS));
            assertEquals(201, r.status(), r.toString());
            String id = r.str("id");
            Cluster.await("three periods of rotations", () -> versions(c, 0, id) >= 4);
            assertEquals(200, c.admin(0).patch("/v1/keys/" + id, Map.of("auto_rotate_period", 0)).status());
            double periods = (System.nanoTime() - start) / 1e9 / PERIOD_SECONDS;
            c.awaitConverged();
            int rotations = versions(c, 0, id) - 1;
            assertTrue(rotations <= Math.floor(periods) + 1, rotations + " rotations in " + periods + " periods");
            for (int n = 1; n < 3; n++) {
                assertEquals(rotations + 1, versions(c, n, id), "node " + n + " holds the same versions");
            }
        }
    }

    private static int versions(Cluster c, int node, String id) {
        return c.nodes[node].store().findKey(id).orElseThrow().versions().size();
    }
}
