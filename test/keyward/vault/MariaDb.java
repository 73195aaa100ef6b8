package keyward.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway mariadbd for tests: its own data dir, socket and port under a temp folder, run as
 * the current user, never the system instance. Loads the hashicorp_key_management plugin (FORCE)
 * pointed at a Keyward mount, with InnoDB table, redo log and temporary-file encryption on. Every
 * wait is bounded; {@link #close} kills the server.
 */
final class MariaDb implements AutoCloseable {
    final Path dir;
    final Path data;
    private final int port;
    private Process process;

    private MariaDb(Path dir) throws IOException {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = keyward.TestPorts.free();
    }

    /** A fresh data dir made by mariadb-install-db (about 5 s). */
    static MariaDb install(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        MariaDb m = new MariaDb(dir);
        run(60, List.of("/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + m.data,
                "--auth-root-authentication-method=normal", "--skip-test-db", "--user=" + user()), dir);
        return m;
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    /**
     * Starts mariadbd against {@code vaultUrl} with {@code token}; {@code ca} is the CA file for
     * HTTPS or null. Returns true once it accepts connections, false if it exited instead.
     */
    boolean start(String vaultUrl, String token, Path ca) throws IOException, InterruptedException {
        Path cnf = dir.resolve("my.cnf");
        StringBuilder c = new StringBuilder("[mariadbd]\n")
                .append("datadir=").append(data).append('\n')
                .append("socket=").append(dir.resolve("sock")).append('\n')
                .append("port=").append(port).append('\n')
                .append("bind-address=127.0.0.1\n")
                .append("user=").append(user()).append('\n')
                .append("pid-file=").append(dir.resolve("pid")).append('\n')
                .append("log-error=").append(dir.resolve("err.log")).append('\n')
                .append("plugin_load_add=hashicorp_key_management\n")
                .append("hashicorp_key_management=FORCE\n")
                .append("hashicorp-key-management-vault-url=").append(vaultUrl).append('\n')
                .append("hashicorp-key-management-token=").append(token).append('\n')
                .append("hashicorp-key-management-timeout=5\n")
                .append("hashicorp-key-management-cache-timeout=500\n")
                .append("hashicorp-key-management-cache-version-timeout=300\n")
                .append("innodb_encrypt_tables=FORCE\n")
                .append("innodb_encrypt_log=ON\n")
                .append("innodb_encrypt_temporary_tables=ON\n")
                .append("encrypt_tmp_files=ON\n")
                .append("innodb_encryption_threads=1\n")
                .append("innodb_encryption_rotate_key_age=1\n")
                .append("innodb_buffer_pool_size=32M\n")
                .append("skip-name-resolve\n");
        if (ca != null) {
            c.append("hashicorp-key-management-vault-ca=").append(ca).append('\n');
        }
        Files.writeString(cnf, c.toString());
        Files.deleteIfExists(dir.resolve("sock"));
        process = new ProcessBuilder("/usr/sbin/mariadbd", "--defaults-file=" + cnf)
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        boolean settled = keyward.Poll.within(java.time.Duration.ofSeconds(30),
                () -> !process.isAlive() || Files.exists(dir.resolve("sock")) && pingUnchecked());
        if (!settled) {
            throw new AssertionError("mariadbd neither started nor exited within 30 s:\n" + errorLog());
        }
        return process.isAlive();
    }

    private boolean pingUnchecked() {
        try {
            return ping();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean ping() throws IOException, InterruptedException {
        return exec(10, List.of("/usr/bin/mariadb-admin", "--no-defaults", "--socket=" + dir.resolve("sock"),
                "--user=root", "ping")).exit == 0;
    }

    /** Runs SQL as root over the socket; the tab-separated rows, or an AssertionError with the error. */
    String sql(String statements) throws IOException, InterruptedException {
        Run r = exec(30, List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + dir.resolve("sock"), "--user=root",
                "-N", "-B", "-e", statements));
        if (r.exit != 0) {
            throw new AssertionError("SQL failed: " + r.output + "\n" + errorLog());
        }
        return r.output.trim();
    }

    String errorLog() throws IOException {
        Path log = dir.resolve("err.log");
        return Files.exists(log) ? Files.readString(log) : "(no error log)";
    }

    /** A clean shutdown, bounded; a kill if it does not end. */
    void stop() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();  // SIGTERM: mariadbd shuts down cleanly
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** Waits for a mariadbd that refused to start to exit; its exit code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("mariadbd did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    record Run(int exit, String output) {
    }

    private static Run exec(int seconds, List<String> cmd) throws IOException, InterruptedException {
        return run(seconds, cmd, null);
    }

    private static Run run(int seconds, List<String> cmd, Path cwd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kw-mariadb", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + seconds + " s: " + String.join(" ", cmd));
            }
            Run r = new Run(p.exitValue(), Files.readString(out));
            if (cwd != null && r.exit != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + r.output);
            }
            return r;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
