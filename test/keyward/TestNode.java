package keyward;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import keyward.cli.Cli;
import keyward.config.Config;
import keyward.server.Node;
import keyward.time.Clock;

/**
 * A real Keyward server for tests: a fresh data dir set up by {@code keyward init}, SQLite unless
 * flags say otherwise, listening on port 0. Talk to it over HTTP with {@link #admin()} or {@link #http(String)}.
 */
public final class TestNode implements AutoCloseable {
    public final Path dir;
    public final Node node;
    public final String adminToken;
    private final boolean ownsDir;

    private TestNode(Path dir, Node node, String adminToken, boolean ownsDir) {
        this.dir = dir;
        this.node = node;
        this.adminToken = adminToken;
        this.ownsDir = ownsDir;
    }

    /** A new deployment in a temp dir. */
    public static TestNode start(String... flags) throws IOException {
        return start(Clock.system(), flags);
    }

    /** A new deployment whose server reads {@code clock} (a {@link ManualClock} the test moves). */
    public static TestNode start(Clock clock, String... flags) throws IOException {
        Path dir = Files.createTempDirectory("kw-test-");
        init(dir, flags);
        return startIn(dir, true, clock, flags);
    }

    /** Runs {@code keyward init} in dir; returns the admin token. */
    public static String init(Path dir, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("init", "--data-dir", dir.toString()));
        args.addAll(Arrays.asList(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("init failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return Files.readString(dir.resolve("admin.token")).trim();
    }

    /** (Re)starts a server on an existing data dir. */
    public static TestNode startIn(Path dir, boolean ownsDir, String... flags) throws IOException {
        return startIn(dir, ownsDir, Clock.system(), flags);
    }

    /** (Re)starts a server on an existing data dir, on {@code clock}. */
    public static TestNode startIn(Path dir, boolean ownsDir, Clock clock, String... flags) throws IOException {
        List<String> args = new ArrayList<>();
        for (String d : List.of("--data-dir=" + dir, "--port=0", "--pending-days-min=0", "--jobs-interval-ms=100",
                "--log-level=warn")) {
            String name = d.substring(0, d.indexOf('='));
            if (Arrays.stream(flags).noneMatch(f -> f.equals(name) || f.startsWith(name + "="))) {
                args.add(d);
            }
        }
        args.addAll(Arrays.asList(flags));
        Node node = Node.start(Config.load(args, Map.of()), null, clock);
        String token = Files.exists(dir.resolve("admin.token")) ? Files.readString(dir.resolve("admin.token")).trim() : null;
        return new TestNode(dir, node, token, ownsDir);
    }

    public String base() {
        return "http://127.0.0.1:" + node.port();
    }

    public Http admin() {
        return new Http(base(), adminToken);
    }

    public Http http(String token) {
        return new Http(base(), token);
    }

    /** Creates a (non-admin) user through the API and returns its token. */
    public String newUser(String name) {
        Http.Res r = admin().post("/v1/users", Map.of("name", name));
        if (r.status() != 201) {
            throw new IllegalStateException("create user: " + r);
        }
        return r.str("token");
    }

    /** Stops the server and keeps the data dir (for restart tests). */
    public void stop() {
        node.close();
    }

    @Override
    public void close() {
        node.close();
        if (ownsDir) {
            deleteTree(dir);
        }
    }

    public static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort for temp dirs
        }
    }
}
