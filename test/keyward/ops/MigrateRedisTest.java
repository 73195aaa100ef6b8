package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import keyward.TestNode;
import keyward.store.Store;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** migrate SQLite -> redis-findex -> SQLite keeps everything; old ciphertexts decrypt at the end. */
class MigrateRedisTest {
    private static final String URL = "redis://127.0.0.1:6379/10";

    @BeforeEach
    @AfterEach
    void cleanDatabase10() throws Exception {
        TestDatabases.requireRedis();
        Process p = new ProcessBuilder("redis-cli", "-n", "10", "FLUSHDB").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    void migrate_sqliteToRedisFindexAndBack_keepsEverything() throws Exception {
        try (TestNode node = TestNode.start()) {
            Workload work = Workload.run(node);
            node.stop();
            String dir = node.dir.toString();
            Path pw = node.dir.resolve("redis.pass");
            Files.writeString(pw, "migration test password\n", StandardCharsets.UTF_8);
            Snapshot before;
            try (Store s = BackupCommandTest.open(node.dir)) {
                Fixture.audit(s);
                before = Snapshot.of(s);
            }
            Cmd toRedis = Cmd.ok("migrate", "--data-dir", dir, "--to-database-type", "redis-findex", "--to-database-url", URL,
                    "--to-redis-master-password-file", pw.toString(), "--to-redis-findex-label", "mig");
            assertTrue(toRedis.out().contains("counts verified"), toRedis.out());
            String[] redis = {"--database-type=redis-findex", "--database-url=" + URL,
                    "--redis-master-password-file=" + pw, "--redis-findex-label=mig"};
            try (Store s = BackupCommandTest.open(node.dir, redis)) {
                assertEquals(before, Snapshot.of(s));
            }
            Path back = node.dir.resolve("back.db");
            Cmd.ok("migrate", "--data-dir", dir, redis[0], redis[1], redis[2], redis[3],
                    "--to-database-type", "sqlite", "--to-sqlite-path", back.toString());
            try (Store s = BackupCommandTest.open(node.dir, "--sqlite-path=" + back)) {
                assertEquals(before, Snapshot.of(s));
            }
            try (TestNode again = TestNode.startIn(node.dir, false, "--sqlite-path=" + back)) {
                work.checkAll(again);
            }
        }
    }
}
