package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import keyward.TestNode;
import keyward.store.Store;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/** {@code keyward migrate} between backends, on a deployment made by a real server. */
class MigrateCommandTest {

    @Test
    void migrate_sqliteToPostgresToMariadbToSqlite_keepsEverything_andCiphertextsStillDecrypt() throws Exception {
        String pg = TestDatabases.createPostgresDatabase() + "?user=postgres";
        String my = null;
        try (TestNode node = TestNode.start()) {
            my = TestDatabases.createMysqlDatabase() + "?user=root";
            Workload work = Workload.run(node);
            node.stop();
            String dir = node.dir.toString();
            Snapshot before;
            try (Store s = BackupCommandTest.open(node.dir)) {
                Fixture.audit(s);
                before = Snapshot.of(s);
            }

            Cmd toPg = Cmd.ok("migrate", "--data-dir", dir, "--to-database-type", "postgresql", "--to-database-url", pg);
            assertTrue(toPg.out().contains("counts verified"), toPg.out());
            assertEquals(before, snapshot(node.dir, "--database-type=postgresql", "--database-url=" + pg));

            Cmd.ok("migrate", "--data-dir", dir, "--database-type", "postgresql", "--database-url", pg,
                    "--to-database-type", "mysql", "--to-database-url", my);
            assertEquals(before, snapshot(node.dir, "--database-type=mysql", "--database-url=" + my));

            Path back = node.dir.resolve("back.db");
            Cmd.ok("migrate", "--data-dir", dir, "--database-type", "mysql", "--database-url", my,
                    "--to-database-type", "sqlite", "--to-sqlite-path", back.toString());
            assertEquals(before, snapshot(node.dir, "--sqlite-path=" + back));
            try (TestNode again = TestNode.startIn(node.dir, false, "--sqlite-path=" + back)) {
                work.checkAll(again);
            }

            Cmd notEmpty = Cmd.run("migrate", "--data-dir", dir, "--to-database-type", "postgresql", "--to-database-url", pg);
            assertEquals(1, notEmpty.code());
            assertTrue(notEmpty.err().contains("not empty"), notEmpty.err());
        } finally {
            TestDatabases.dropPostgresDatabase(pg);
            if (my != null) {
                TestDatabases.dropMysqlDatabase(my);
            }
        }
    }

    @Test
    void migrate_ontoTheConfiguredDatabaseItself_isRefused() throws Exception {
        try (TestNode node = TestNode.start()) {
            node.stop();
            Cmd same = Cmd.run("migrate", "--data-dir", node.dir.toString(), "--to-database-type", "sqlite");
            assertEquals(1, same.code());
            assertTrue(same.err().contains("the configured database itself"), same.err());
            Cmd noUrl = Cmd.run("migrate", "--data-dir", node.dir.toString(), "--to-database-type", "postgresql");
            assertEquals(2, noUrl.code());
            assertTrue(noUrl.err().contains("--to-database-url"), noUrl.err());
        }
    }

    private static Snapshot snapshot(Path dataDir, String... flags) {
        try (Store s = BackupCommandTest.open(dataDir, flags)) {
            return Snapshot.of(s);
        }
    }
}
