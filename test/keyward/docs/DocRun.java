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
 * session (servers the blocks left running included) is killed.
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

    /** setsid made bash the leader of a process group whose id is its pid. */
    private static void killSession(long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    }
}
