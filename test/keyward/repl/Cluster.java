package keyward.repl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import keyward.cli.Cli;
import keyward.config.Config;
import keyward.server.Node;
import keyward.time.Clock;

/**
 * N Keyward nodes in one JVM, each with its own data dir and SQLite database, replicating over
 * real TLS sockets on loopback. Node 0 is the primary (made by {@code keyward init}); the others
 * start with copies of its key files and refresh from it by themselves (automatic_refresh toward
 * node 0 only). Every consumer connection to node i's listener can go through {@code proxy(i)}.
 */
final class Cluster implements AutoCloseable {

    static final Replicator.Options FAST = new Replicator.Options(100, 3000, Duration.ofDays(7));

    final List<Path> dirs = new ArrayList<>();
    final List<Integer> replPorts = new ArrayList<>();
    final List<String> certs = new ArrayList<>();
    final List<Proxy> proxies = new ArrayList<>();
    final List<List<String>> databaseFlags = new ArrayList<>();
    final Node[] nodes;
    final String adminToken;
    boolean autoRefresh = true;
    /** Replication timing of nodes started from now on. */
    Replicator.Options options = FAST;
    /** Flags every node started from now on gets besides the defaults. */
    final List<String> extraFlags = new ArrayList<>();
    private Clock clock = Clock.system();

    Cluster(int n) throws IOException {
        this(n, true);
    }

    Cluster(int n, boolean autoRefresh) throws IOException {
        this(n, autoRefresh, List.of());
    }

    /** {@code databaseFlags.get(i)}, when present, picks node i's database (default: SQLite in its data dir). */
    Cluster(int n, boolean autoRefresh, List<List<String>> databaseFlags) throws IOException {
        this.autoRefresh = autoRefresh;
        for (int i = 0; i < n; i++) {
            this.databaseFlags.add(i < databaseFlags.size() ? databaseFlags.get(i) : List.of());
        }
        nodes = new Node[n];
        Path first = Files.createTempDirectory("kw-repl-");
        dirs.add(first);
        adminToken = TestNode.init(first, this.databaseFlags.get(0).toArray(String[]::new));
        for (int i = 1; i < n; i++) {
            Path d = Files.createTempDirectory("kw-repl-");
            for (String f : List.of("kek.key", "pepper.key", "audit.key")) {
                Files.copy(first.resolve(f), d.resolve(f));
            }
            dirs.add(d);
        }
        for (int i = 0; i < n; i++) {
            List<String> args = new ArrayList<>(List.of("show-replication-certificate", "--data-dir", dirs.get(i).toString()));
            args.addAll(this.databaseFlags.get(i));
            certs.add(cli(args.toArray(String[]::new)).trim());
            replPorts.add(freePort());
            proxies.add(new Proxy(replPorts.get(i)));
        }
        for (int i = 0; i < n; i++) {
            writeConfig(i, null);
        }
    }

    /** Writes node i's TOML; {@code pinOverride} replaces the certificate pinned for every partner when set. */
    void writeConfig(int i, String pinOverride) throws IOException {
        StringBuilder t = new StringBuilder();
        t.append("[replication]\n");
        t.append("origin = \"repl://127.0.0.1:").append(replPorts.get(i)).append("\"\n");
        t.append("bindaddress = \"127.0.0.1:").append(replPorts.get(i)).append("\"\n");
        for (int j = 0; j < nodes.length; j++) {
            if (j == i) {
                continue;
            }
            t.append("\n[replication.\"repl://127.0.0.1:").append(proxies.get(j).port()).append("\"]\n");
            t.append("type = \"mutual-pull\"\n");
            t.append("partner_cert = \"").append(pinOverride != null ? pinOverride : certs.get(j)).append("\"\n");
            if (j == 0 && autoRefresh) {
                t.append("automatic_refresh = true\n");
            }
        }
        Files.writeString(dirs.get(i).resolve("keyward.toml"), t.toString());
    }

    /** Cuts every link between the nodes (all listeners unreachable). */
    void partition() {
        proxies.forEach(Proxy::cut);
    }

    void heal() {
        proxies.forEach(Proxy::restore);
    }

    /** Waits until all started nodes hold the same data; on a timeout the message shows each node's data and status. */
    void awaitConverged() {
        try {
            await("all nodes converge", this::converged);
        } catch (AssertionError e) {
            StringBuilder sb = new StringBuilder(e.getMessage());
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null) {
                    sb.append("\n--- node ").append(i).append(' ').append(nodes[i].replicator().status()).append('\n')
                            .append(Snapshot.of(nodes[i]));
                }
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    private boolean converged() {
        String first = null;
        for (Node n : nodes) {
            if (n != null) {
                String s = Snapshot.of(n);
                if (first == null) {
                    first = s;
                } else if (!first.equals(s)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The url node i's partners use for node j. */
    String url(int j) {
        return "repl://127.0.0.1:" + proxies.get(j).port();
    }

    Config config(int i) {
        List<String> flags = new ArrayList<>(List.of("--data-dir=" + dirs.get(i), "--port=0", "--pending-days-min=0",
                "--jobs-interval-ms=100", "--log-level=error", "--config=" + dirs.get(i).resolve("keyward.toml")));
        flags.addAll(databaseFlags.get(i));
        flags.addAll(extraFlags);
        return Config.load(flags, Map.of());
    }

    /** Nodes started from now on read {@code clock} (one the test moves). */
    Cluster on(Clock clock) {
        this.clock = clock;
        return this;
    }

    Node start(int i) throws IOException {
        nodes[i] = Node.start(config(i), options, clock);
        return nodes[i];
    }

    Cluster startAll() throws IOException {
        for (int i = 0; i < nodes.length; i++) {
            start(i);
        }
        return this;
    }

    void stop(int i) {
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    Http admin(int i) {
        return new Http("http://127.0.0.1:" + nodes[i].port(), adminToken);
    }

    /** Waits until every started node answers the admin token (all joined the primary's domain). */
    void awaitJoined() {
        // asks over HTTP only once the admin's token is in the node's own store: every refused
        // token before that would count against 127.0.0.1 and put the address into the
        // authentication backoff, whose 429s then hit the test's next user (the CI failure)
        await("all nodes joined the domain", () -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && (nodes[i].store().listTokens("admin").isEmpty()
                        || admin(i).get("/v1/keys").status() != 200)) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Waits until node i holds a token of {@code user}, asking as the admin: polling with the
     * user's own token would pile up failed logins and get this address refused (429).
     */
    void awaitTokenOf(int i, String user) {
        await(user + "'s token on node " + i, () -> {
            Http.Res r = admin(i).get("/v1/users/" + user + "/tokens");
            return r.status() == 200 && !Http.asList(r.json().get("tokens")).isEmpty();
        });
    }

    static void await(String what, BooleanSupplier condition) {
        Poll.until(what, Duration.ofSeconds(20), condition);
    }

    static String cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException(argv[0] + " failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static int freePort() {
        return keyward.TestPorts.free();
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            stop(i);
        }
        for (Proxy p : proxies) {
            p.close();
        }
        for (Path d : dirs) {
            TestNode.deleteTree(d);
        }
    }
}
