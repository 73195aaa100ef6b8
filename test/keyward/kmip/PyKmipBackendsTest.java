package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyKMIP conversation of {@link PyKmipTest} (a key's whole life: create, attributes, refused
 * use while Pre-Active, activate, get, encrypt, decrypt, locate, refused destroy while Active,
 * revoke, destroy) on the networked backends: PostgreSQL and redis-findex.
 */
class PyKmipBackendsTest {
    /** A Redis database of this test's own (others: 5, 9, 10, 11 and the docs' one). */
    private static final int REDIS_DB = 12;

    @TempDir
    Path dir;

    @Test
    void pykmip_keyLifecycle_onPostgres() throws Exception {
        TestDatabases.requirePostgres();
        String url = TestDatabases.createPostgresDatabase();
        try {
            conversations("postgresql", "--database-type=postgresql", "--database-url=" + url + "?user=postgres");
        } finally {
            TestDatabases.dropPostgresDatabase(url);
        }
    }

    @Test
    void pykmip_keyLifecycle_onRedisFindex() throws Exception {
        String url = TestDatabases.redisUrl() + "/" + REDIS_DB;
        flushRedis();
        Path password = dir.resolve("redis.password");
        Files.writeString(password, "the redis master password of the kmip test\n");
        try {
            conversations("redis-findex", "--database-type=redis-findex", "--database-url=" + url,
                    "--redis-master-password-file=" + password);
        } finally {
            flushRedis();
        }
    }

    /** KMIP 1.2 and 2.0 at once, each a client of its own, against a KMIP node on {@code flags}' database. */
    private void conversations(String backend, String... flags) throws Exception {
        try (KmipNode k = KmipNode.start(dir.resolve(backend), flags)) {
            List<Process> running = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (String v : List.of("1.2", "2.0")) {
                Path out = dir.resolve(backend + "-" + v + ".out");
                outputs.add(out);
                running.add(PyKmipTest.python(out, "pykmip_basic.py", String.valueOf(k.kmipPort()),
                        dir.resolve(backend).toString(), v, backend + "-" + v.replace('.', '-')));
            }
            for (int i = 0; i < running.size(); i++) {
                String output = PyKmipTest.finish(running.get(i), outputs.get(i));
                assertTrue(output.endsWith("ALL OK\n"), backend + ":\n" + output);
            }
        }
    }

    private static void flushRedis() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-n", String.valueOf(REDIS_DB), "FLUSHDB").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "redis-cli FLUSHDB did not end");
        assertEquals("OK", out.trim(), "redis-cli -n " + REDIS_DB + " FLUSHDB");
    }
}
