package keyward.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own process (Keyward or the ceiling), on a free port, with its
 * output in a log file; its memory and CPU time read from {@code /proc}. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux we run on

    final int port;
    private final Process process;
    private final long startedNanos;

    private ServerProcess(int port, Process process, long startedNanos) {
        this.port = port;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code command} with {@code --port=N} appended, N a port free a moment ago. */
    static ServerProcess start(List<String> command, Path log) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add("--port=" + port);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        return new ServerProcess(port, pb.start(), t0);
    }

    /** Whether the server answers yet; an IOException counts as not yet. */
    interface ReadyCheck {
        boolean ready() throws IOException;
    }

    /** Polls GET /ready every 5 ms until it answers 200; milliseconds from process start to then. */
    long awaitReady(long timeoutMillis) throws IOException, InterruptedException {
        return awaitReady(timeoutMillis, () -> Http.send(port, "GET", "/ready", null, null, 1000).status() == 200);
    }

    /** Polls {@code check} every 5 ms until it is true; milliseconds from process start to then. */
    long awaitReady(long timeoutMillis, ReadyCheck check) throws IOException, InterruptedException {
        long deadline = startedNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with status " + process.exitValue() + " before it was ready");
            }
            try {
                if (check.ready()) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IOException("the server was not ready within " + timeoutMillis + " ms");
    }

    /** Resets the peak RSS the kernel keeps (VmHWM), so the next reading covers what follows only. */
    boolean resetPeak() {
        try {
            Files.writeString(proc("clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Peak resident set size since start or the last {@link #resetPeak}, in MiB. */
    double peakRssMb() throws IOException {
        return statusKb("VmHWM:") / 1024.0;
    }

    double rssMb() throws IOException {
        return statusKb("VmRSS:") / 1024.0;
    }

    /** User plus system CPU time the process has used, in milliseconds (10 ms resolution). */
    long cpuMillis() throws IOException {
        String stat = Files.readString(proc("stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * CPU time the JIT compiler threads have used, in milliseconds: while it still grows by much,
     * the server is not yet running the code it will run for good ({@link Measure#warmUp}).
     */
    long compilerCpuMillis() throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(proc("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    private long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(proc("status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    private Path proc(String file) {
        return Path.of("/proc", Long.toString(process.pid()), file);
    }

    /** SIGTERM, then up to 20 s for the orderly shutdown, then SIGKILL. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
