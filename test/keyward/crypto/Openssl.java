package keyward.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the openssl command line tool, with a time limit, for interoperability tests. */
final class Openssl {

    static final String BINARY = "/usr/bin/openssl";

    record Result(int exit, String output) {
    }

    private Openssl() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Runs {@code openssl args...} in {@code dir}; output is stdout and stderr together. */
    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY);
        cmd.addAll(List.of(args));
        // output goes to a file, so a stuck openssl can never block us on a full pipe
        Path log = Files.createTempFile(dir, "openssl", ".out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " did not finish in 20 s");
        }
        byte[] out = Files.size(log) > 65536 ? "(output too long)".getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(log);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Like {@link #run}, but fails unless openssl exits 0. */
    static String ok(Path dir, String... args) throws IOException, InterruptedException {
        Result r = run(dir, args);
        if (r.exit() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }
}
