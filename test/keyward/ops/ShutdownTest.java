package keyward.ops;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on a real server process under load: it exits within the bound, and everything it
 * acknowledged is there after a restart.
 */
class ShutdownTest {
    private static final long EXIT_BOUND_SECONDS = 15;
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ ]+:(\\d+) ");

    private record Sealed(String key, String plaintext, String ciphertext) {
    }

    @Test
    void sigterm_underLoad_exitsWithinTheBound_andEveryAcknowledgedWriteIsDurable() throws Exception {
        Path dir = Fixture.tempDir();
        try {
            String token = TestNode.init(dir);
            ServerProcess server = ServerProcess.start(dir);
            Http http = new Http("http://127.0.0.1:" + server.port(), token);
            ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Sealed> sealed = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int client = t;
                Thread th = new Thread(() -> load(http, client, stop, created, sealed), "load-" + t);
                th.start();
                clients.add(th);
            }
            Poll.within(Duration.ofSeconds(60), () -> sealed.size() >= 30 || !server.process.isAlive());
            long t0 = System.nanoTime();
            server.process.destroy(); // SIGTERM
            boolean exited = server.process.waitFor(EXIT_BOUND_SECONDS, TimeUnit.SECONDS);
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            stop.set(true);
            if (!exited) {
                server.process.destroyForcibly();
            }
            for (Thread th : clients) {
                th.join(30_000);
            }
            assertTrue(exited, "the server did not exit within " + EXIT_BOUND_SECONDS + " s of SIGTERM");
            assertEquals(143, server.process.exitValue(), "exit status after SIGTERM");
            assertTrue(server.output().contains("shutting down") && server.output().contains("stopped"),
                    "no orderly shutdown in the log:\n" + server.output());
            assertTrue(created.size() >= 10, "too little load: " + created.size() + " keys");

            try (TestNode again = TestNode.startIn(dir, false)) {
                Http h = again.admin();
                for (String id : created) {
                    assertEquals(200, h.get("/v1/keys/" + id).status(), "acknowledged key " + id + " is gone");
                }
                for (Sealed s : sealed) {
                    Http.Res r = h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ciphertext));
                    assertEquals(200, r.status(), "decrypt after restart: " + r);
                    assertEquals(b64(s.plaintext), r.str("plaintext"));
                }
            }
            System.out.println("ShutdownTest: " + created.size() + " keys, " + sealed.size()
                    + " ciphertexts acknowledged; exit " + stopMillis + " ms after SIGTERM");
        } finally {
            TestNode.deleteTree(dir);
        }
    }

    /** Creates keys and encrypts under them until the server stops answering. */
    private static void load(Http http, int client, AtomicBoolean stop, ConcurrentLinkedQueue<String> created,
                             ConcurrentLinkedQueue<Sealed> sealed) {
        for (int i = 0; !stop.get(); i++) {
            try {
                Http.Res k = http.post("/v1/keys", Map.of("algorithm", "aes-256-gcm"));
                if (k.status() != 201) {
                    continue;
                }
                String id = k.str("id");
                created.add(id);
                String plaintext = "client " + client + " message " + i;
                Http.Res e = http.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64(plaintext)));
                if (e.status() == 200) {
                    sealed.add(new Sealed(id, plaintext, e.str("ciphertext")));
                }
            } catch (IllegalStateException refused) {
                // connection refused or reset: the server is gone
                return;
            }
        }
    }

    /**
     * The server as a separate process: the real launcher bin/keyward when the test runs on the
     * build's jar (make test), else java on the classes under test (dev/check.sh). Its output goes
     * to a file: a pipe read while the process exits can lose the last lines.
     */
    private static final class ServerProcess {
        final Process process;
        private final Path log;

        private ServerProcess(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static ServerProcess start(Path dir) throws IOException {
            List<String> cmd = new ArrayList<>();
            Path classes = codeSource();
            Path launcher = Path.of("bin/keyward").toAbsolutePath();
            if (classes.endsWith(Path.of("build", "keyward.jar")) && Files.isExecutable(launcher)) {
                cmd.add(launcher.toString());
            } else {
                cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-cp", classes + java.io.File.pathSeparator + Path.of("lib").toAbsolutePath() + "/*",
                        "keyward.Main"));
            }
            cmd.addAll(List.of("server", "--data-dir", dir.toString(), "--port", "0", "--log-level", "info"));
            Path log = dir.resolve("server.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("KEYWARD_JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            return new ServerProcess(pb.start(), log);
        }

        /** Where keyward.Main was loaded from: build/keyward.jar, or a compile output directory. */
        private static Path codeSource() {
            try {
                return Path.of(keyward.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The port from the "listening on" line, within 30 s. */
        int port() throws Exception {
            Poll.within(Duration.ofSeconds(30), () -> !process.isAlive() || listening().find());
            Matcher m = listening();
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            process.destroyForcibly();
            throw new AssertionError("the server did not start within 30 s:\n" + output());
        }

        private Matcher listening() {
            try {
                return LISTENING.matcher(output());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The log without request lines, which are many and say nothing here. */
        String output() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (!line.contains(" op=")) {
                    sb.append(line).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
