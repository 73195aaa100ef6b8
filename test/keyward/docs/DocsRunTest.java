package keyward.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import keyward.TestNode;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell block of the operator docs, run in order as one bash script per doc, as an operator
 * would paste them: servers are started by the blocks themselves (or, where a doc says "in another
 * terminal", by the test), on free ports the test passes in the variables the docs name with their
 * defaults, on throwaway PostgreSQL and Redis databases. A block that cannot run in a test says so
 * with {@code <!-- not-run: reason -->} (see {@link DocScript}).
 */
class DocsRunTest {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String REDIS_DB = "11";
    private static final List<String> PORTS = List.of("KW_PORT", "KW_PORT1", "KW_PORT2",
            "KW_PORT_A", "KW_PORT_B", "KW_PORT_C", "KW_REPL_A", "KW_REPL_B", "KW_REPL_C", "KW_KMIP_PORT");

    /** An API error body on a line of its own, or a verification that failed: curl -sS and bash let both pass. */
    private static final Pattern API_ERROR = Pattern.compile("(?m)^\\{\"error\":|\"valid\":false");

    @TempDir
    Path tmp;

    @Test
    void readme_everyShellBlockRuns() throws Exception {
        try (TestNode node = startedLikeMakeRun()) {
            runs("README.md", Map.of("KW", node.base()));
        }
    }

    @Test
    void api_everyShellBlockRuns() throws Exception {
        try (TestNode node = startedLikeMakeRun()) {
            runs("docs/api.md", Map.of("KW", node.base()));
        }
    }

    @Test
    void ha_everyShellBlockRuns() throws Exception {
        String jdbc = TestDatabases.createPostgresDatabase();
        try {
            runs("docs/ha.md", Map.of("KW_PG_URL", jdbc.replace("jdbc:postgresql://", "postgres://postgres@")));
        } finally {
            TestDatabases.dropPostgresDatabase(jdbc);
        }
    }

    @Test
    void replication_everyShellBlockRuns() throws Exception {
        runs("docs/replication.md", Map.of());
    }

    @Test
    void redisFindex_everyShellBlockRuns() throws Exception {
        TestDatabases.requireRedis();
        flushRedis();
        try {
            runs("docs/redis-findex.md", Map.of("KW_REDIS_URL", "redis://127.0.0.1:6379/" + REDIS_DB));
        } finally {
            flushRedis();
        }
    }

    @Test
    void operations_everyShellBlockRuns() throws Exception {
        String jdbc = TestDatabases.createPostgresDatabase();
        try {
            runs("docs/operations.md", Map.of("KW_PG_URL", jdbc.replace("jdbc:postgresql://", "postgres://postgres@")));
        } finally {
            TestDatabases.dropPostgresDatabase(jdbc);
        }
    }

    @Test
    void kmip_everyShellBlockRuns() throws Exception {
        runs("docs/kmip.md", Map.of());
    }

    /** "In another terminal": a server whose data dir is ./data of the checkout, as after make run. */
    private TestNode startedLikeMakeRun() throws IOException {
        TestNode node = TestNode.start();
        Files.createSymbolicLink(tmp.resolve("data"), node.dir);
        return node;
    }

    private void runs(String doc, Map<String, String> env) throws Exception {
        DocScript script = DocScript.of(Path.of(doc));
        assertFalse(script.runnable().isEmpty(), doc + " has no runnable shell block");
        Map<String, String> all = new HashMap<>(freePorts());
        all.putAll(env);
        DocRun.Result r = DocRun.run(script, tmp, all, DEADLINE);
        if (r.timedOut() || r.exit() != 0) {
            DocScript.Block b = script.failedBlock(r.output());
            fail(doc + (r.timedOut() ? " did not finish within " + DEADLINE.toSeconds() + " s" : " failed with exit " + r.exit())
                    + (b == null ? "" : " in block " + b.number() + " (line " + b.line() + "):\n" + b.text())
                    + "\n--- output ---\n" + r.output() + logTails());
        }
        Matcher m = API_ERROR.matcher(r.output());
        if (m.find()) {
            DocScript.Block b = script.blockBefore(r.output(), m.start());
            fail(doc + ": the API answered " + m.group() + (b == null ? "" : " in block " + b.number() + " (line " + b.line()
                    + "):\n" + b.text()) + "\n--- output ---\n" + r.output() + logTails());
        }
    }

    /**
     * Free ports for every port variable the docs read, all different, below the ephemeral range
     * (32768 and up) so that no client socket's local port takes one between a server's restarts.
     */
    private static Map<String, String> freePorts() {
        Map<String, String> ports = new HashMap<>();
        Set<Integer> taken = new HashSet<>();
        java.util.Random random = new java.util.Random();
        for (String name : PORTS) {
            int port = 20000 + random.nextInt(12000);
            while (!taken.add(port) || !bindable(port)) {
                port = 20000 + random.nextInt(12000);
            }
            ports.put(name, String.valueOf(port));
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of every log file the blocks wrote, for a failure message. */
    private String logTails() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(tmp)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                out.append("\n--- ").append(tmp.relativize(f)).append(" (last 20 lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    private static void flushRedis() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-n", REDIS_DB, "FLUSHDB").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("redis-cli FLUSHDB did not finish");
        }
    }
}
