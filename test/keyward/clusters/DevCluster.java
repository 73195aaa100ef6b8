package keyward.clusters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import keyward.TestNode;

/**
 * A database cluster started by one of the dev/ scripts ({@code dev/galera.sh},
 * {@code dev/mariadb-master-master.sh}, ...) in a temporary directory, for the cluster tests: every
 * script takes {@code COMMAND DIR [ARGS]}, prints progress lines and exits non-zero with a clear
 * error. {@link #run} runs a command and returns its output (failing the test with that output if
 * the script fails); {@link #close} runs {@code stop} and deletes the directory.
 */
public final class DevCluster implements AutoCloseable {
    private final Path script;
    public final Path dir;

    /** Runs {@code script start DIR args...} in a new temporary directory. */
    public DevCluster(String script, String... startArgs) throws IOException {
        this.script = root().resolve(script);
        if (!Files.isExecutable(this.script)) {
            throw new IllegalStateException(this.script + " is missing or not executable");
        }
        this.dir = Files.createTempDirectory("kw-" + this.script.getFileName().toString().replace(".sh", "") + "-");
        try {
            System.out.print(run("start", startArgs));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The repository root: the working directory of the test run, or above it. */
    static Path root() {
        Path p = Paths.get("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("dev")) && Files.exists(q.resolve("build.sh"))) {
                return q;
            }
        }
        return p;
    }

    /** {@code script COMMAND DIR args...}; its output (stdout and stderr); throws with that output if it fails. */
    public String run(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script.toString(), command, dir.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();  // ends when the script and its children close it
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 5 minutes");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    /** The last line of {@code script url DIR}. */
    public String url() {
        String[] lines = run("url").strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** The host:port list of a URL {@code url} prints ({@code scheme://user:pass@h1:p1,h2:p2/db}). */
    public List<String> hosts() {
        String u = url();
        return List.of(u.substring(u.indexOf('@') + 1, u.lastIndexOf('/')).split(","));
    }

    /**
     * A Keyward instance on {@code data} (made by {@code keyward init}) using the MySQL servers
     * {@code hosts} (h1:p1,h2:p2, in the order to try) as the dev scripts' user keyward.
     */
    public static TestNode mysqlInstance(Path data, String hosts, String nodeName, int dbTimeoutMs) throws IOException {
        return TestNode.startIn(data, false, "--database-type=mysql", "--database-url=mysql://keyward:keyward@" + hosts + "/keyward",
                "--node-name=" + nodeName, "--db-timeout-ms=" + dbTimeoutMs, "--cache-ttl-ms=1000");
    }

    @Override
    public void close() {
        try {
            System.out.print(run("stop"));
        } catch (RuntimeException e) {
            System.err.println("[clusters] stopping " + dir + ": " + e.getMessage());
        } finally {
            TestNode.deleteTree(dir);
        }
    }
}
