package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.audit.HeadFile;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * An untouched audit log written by real servers still verifies, against the head file they kept,
 * after restarts, a KEK rotation and a migration from SQLite to PostgreSQL, and goes on there.
 */
class AuditTrailSurvivalTest {

    private static void work(TestNode node, int keys) {
        Http h = node.admin();
        for (int i = 0; i < keys; i++) {
            String id = h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
            h.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", Http.b64("p" + i)));
        }
    }

    private static void assertVerifies(String dir, String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "verify-audit";
        args[1] = "--data-dir";
        args[2] = dir;
        System.arraycopy(flags, 0, args, 3, flags.length);
        Cmd c = Cmd.ok(args);
        assertTrue(c.out().contains("audit log verified: "), c.out());
        assertTrue(!c.out().contains("warning"), c.out());
    }

    @Test
    void untouchedLog_verifiesAfterRestarts_kekRotation_andMigrationToPostgres_andContinuesThere() throws Exception {
        String pg = TestDatabases.createPostgresDatabase() + "?user=postgres";
        try (TestNode node = TestNode.start()) {
            String dir = node.dir.toString();
            work(node, 20);
            node.stop();
            assertTrue(Files.exists(node.dir.resolve(HeadFile.NAME)), "the server keeps its heads in the data dir");
            assertVerifies(dir);

            try (TestNode again = TestNode.startIn(node.dir, false)) {
                work(again, 20);
                Cmd.ok("rotate-kek", "--data-dir", dir, "--switch-wait-ms", "1500");
                work(again, 20);
            }
            assertVerifies(dir);

            Cmd.ok("migrate", "--data-dir", dir, "--to-database-type", "postgresql", "--to-database-url", pg);
            assertVerifies(dir, "--database-type=postgresql", "--database-url=" + pg);
            try (TestNode onPg = TestNode.startIn(node.dir, false, "--database-type=postgresql", "--database-url=" + pg)) {
                work(onPg, 20);
            }
            assertVerifies(dir, "--database-type=postgresql", "--database-url=" + pg);
            // the SQLite database stopped at the migration: it holds less than the heads recorded since
            assertEquals(1, Cmd.run("verify-audit", "--data-dir", dir).code());
        } finally {
            TestDatabases.dropPostgresDatabase(pg);
        }
    }
}
