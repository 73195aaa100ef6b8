package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import keyward.audit.HeadFile;
import keyward.cli.Cli;
import keyward.store.sql.AuditTamper;
import org.junit.jupiter.api.Test;

/**
 * Peer-replicated nodes, each with its own database, record each other's audit heads: when node
 * A's database loses the tail of its audit log after B saw A's head, verify-audit on B fails,
 * naming A's node and the first entry it lost.
 */
class AuditHeadsReplicationTest {

    private static String verifyAudit(Path dataDir, int[] code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        code[0] = Cli.run(new String[] {"verify-audit", "--data-dir=" + dataDir, "--config=" + dataDir.resolve("keyward.toml")},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void auditTailOfACutAfterBSawItsHead_failsVerifyAuditOnB_namingAAndTheFirstMissingEntry() throws Exception {
        try (Cluster c = new Cluster(2).startAll()) {
            c.awaitJoined();
            String aNode = c.nodes[0].audit().node();
            for (int i = 0; i < 30; i++) {
                assertEquals(200, c.admin(0).get("/v1/keys").status());
            }
            c.stop(0); // A signs its tail at stop
            long head = new HeadFile(c.dirs.get(0).resolve(HeadFile.NAME)).read().get(aNode).seq();
            assertTrue(head > 30, "A's head at seq " + head);
            c.start(0);
            HeadFile bHeads = new HeadFile(c.dirs.get(1).resolve(HeadFile.NAME));
            Cluster.await("B records A's head", () -> bHeads.partners().containsKey(aNode)
                    && bHeads.partners().get(aNode).head().seq() == head);
            int[] code = new int[1];
            String ok = verifyAudit(c.dirs.get(1), code);
            assertEquals(0, code[0], ok);
            assertTrue(ok.contains("replication partner"), ok);

            c.stop(0);
            AuditTamper.truncate(c.dirs.get(0).resolve("keyward.db"), aNode, 11);
            c.start(0);
            Cluster.await("B hears of the loss", () -> bHeads.partners().get(aNode).lost() != null);

            String broken = verifyAudit(c.dirs.get(1), code);
            assertEquals(1, code[0], broken);
            assertTrue(broken.contains("audit log broken: node '" + aNode + "' (replication partner repl://"), broken);
            assertTrue(broken.contains(" entry seq 11 is missing (its chain ends at seq 10 but this node recorded its"
                    + " signed checkpoint at seq " + head + ")"), broken);
        }
    }
}
