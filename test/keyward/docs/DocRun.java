package keyward.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link DocScript} with bash in a throwaway checkout: {@code dir} holds links to the
 * repository's {@code bin}, {@code build}, {@code lib} and {@code conf}, so blocks that say
 * {@code bin/keyward} run as they would from a checkout, and {@code bin} is first on PATH for blocks
 * that say {@code keyward}. TMPDIR points into {@code dir}, so {@code mktemp -d} lands there too.
 *
 * <p>bash runs in a session of its own; when it ends or its deadline passes, every process of that
 * session (servers the blocks left running included) is stopped: SIGTERM, then SIGKILL.
 */
final class DocRun {
    record Result(int exit, boolean timedOut, String output) {
    }

    private DocRun() {
    }

    static Result run(DocScript script, Path dir, Map<String, String> env, Duration deadline)
            throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath();
        for (String link : new String[] {"bin", "build", "lib", "conf"}) {
            if (!Files.exists(dir.resolve(link))) {
                Files.createSymbolicLink(dir.resolve(link), repo.resolve(link));
            }
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path file = dir.resolve("doc-script.sh");
        Files.writeString(file, script.script());
        Path out = dir.resolve("doc-script.out");
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", file.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", tmp.toString());
        // the launcher's JVM options with C1 only: the many short-lived JVMs start faster, behave the same
        pb.environment().put("KEYWARD_JAVA_OPTS", "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        killSession(p.pid());
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(done ? p.exitValue() : -1, !done, Files.readString(out));
    }

    /**
     * setsid made bash the leader of a process group whose id is its pid: SIGTERM to the whole
     * group (servers shut down cleanly), and SIGKILL to whatever is left after 15 s.
     */
    private static void killSession(long pid) throws IOException, InterruptedException {
        signal("-TERM", pid);
        keyward.Poll.within(Duration.ofSeconds(15), () -> !groupAliveUnchecked(pid));
        signal("-KILL", pid);
    }

    private static boolean groupAliveUnchecked(long pgid) {
        try {
            return groupAlive(pgid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True while a process of group {@code pgid} runs (zombies, which nobody may reap here, aside). */
    private static boolean groupAlive(long pgid) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                String[] f = stat(p);
                if (f != null && !f[0].equals("Z") && f[2].equals(String.valueOf(pgid))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if process {@code pid} exists and is not a zombie. */
    static boolean running(long pid) {
        String[] f = stat(Path.of("/proc", String.valueOf(pid)));
        return f != null && !f[0].equals("Z");
    }

    /** The fields of /proc/PID/stat after "pid (comm) ": state, ppid, pgrp, ...; null if it is gone. */
    private static String[] stat(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException gone) {
            return null;
        }
    }

    /** kill SIGNAL -- -pgid; true if some process of the group received it. */
    private static boolean signal(String signal, long pgid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, "--", "-" + pgid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    }
}
