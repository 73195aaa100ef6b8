package keyward.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import keyward.cli.Cli;
import keyward.config.Config;
import keyward.repl.Replicator;
import keyward.server.Node;

/**
 * Replication lag on three SQLite nodes replicating over pinned mTLS in a full mesh, with the
 * default settings: first single writes on A, one at a time, each until B and C serve it; then keys
 * created on A at a fixed rate, each timed until B and C serve it. Prints p50, p99 and max of both
 * and one JSON object per mode (kind "replication-lag") at the end of its output.
 *
 * <pre>java keyward.bench.ReplicationLag [seconds] [writes-per-second] [long-poll wait ms, 0 = poll only]</pre>
 */
public final class ReplicationLag {
    private static final int SINGLES = 50;

    private ReplicationLag() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Integer waitMs = args.length > 2 ? Integer.valueOf(args[2]) : null;
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dirs.add(Files.createTempDirectory("kw-bench-repl-" + (char) ('a' + i)));
        }
        String token = cli("init", "--data-dir", dirs.get(0).toString(), "--log-level=error").lines()
                .filter(l -> l.startsWith("kw_")).findFirst().orElseThrow();
        List<String> certs = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (Path d : dirs) {
            if (d != dirs.get(0)) {
                for (String f : List.of("kek.key", "pepper.key", "audit.key")) {
                    Files.copy(dirs.get(0).resolve(f), d.resolve(f));
                }
            }
            certs.add(cli("show-replication-certificate", "--data-dir", d.toString()).trim());
            ports.add(freePort());
        }
        for (int i = 0; i < 3; i++) {
            writeToml(dirs.get(i), i, ports, certs);
        }
        List<Node> nodes = new ArrayList<>();
        try {
            for (Path d : dirs) {
                Config c = config(d);
                Replicator.Options o = Replicator.Options.of(c);
                nodes.add(Node.start(c, waitMs == null ? o : o.withWaitMillis(waitMs)));
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> bases = nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).toList();
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (String b : bases) { // B and C start on empty databases and refresh from A by themselves
                while (get(client, b + "/v1/whoami", token) != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            }
            String how = waitMs == null ? "default settings" : waitMs == 0 ? "poll only" : "long-poll wait " + waitMs + " ms";
            List<Double> single = singles(client, bases, token);
            report("single", String.format(Locale.ROOT, "%d single writes on A, one at a time", SINGLES), how, single,
                    SINGLES * 2, 0, seconds);
            LagWatch load = LagWatch.run(client, bases, token, seconds, rate);
            report("load", String.format(Locale.ROOT, "%d writes/s on A for %d s", rate, seconds), how, load.lags(),
                    load.written() * 2, rate, seconds);
        } finally {
            for (Node n : nodes) {
                n.close();
            }
            for (Path d : dirs) {
                deleteTree(d);
            }
        }
    }

    /** Writes one key on A at a time and times it until both B and C serve it. */
    private static List<Double> singles(HttpClient client, List<String> bases, String token) throws Exception {
        List<Double> lags = new ArrayList<>();
        for (int i = 0; i < SINGLES; i++) {
            String id = LagWatch.create(client, bases.get(0), token);
            long written = System.nanoTime();
            for (String b : bases.subList(1, bases.size())) {
                long until = written + 15_000_000_000L;
                while (get(client, b + "/v1/keys/" + id, token) != 200 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                if (System.nanoTime() < until) {
                    lags.add((System.nanoTime() - written) / 1e6);
                }
            }
        }
        return lags;
    }

    private static void report(String mode, String what, String how, List<Double> lags, int expected, int rate, int seconds) {
        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        int n = sorted.size();
        double p50 = n == 0 ? Double.NaN : sorted.get(n / 2);
        double p99 = n == 0 ? Double.NaN : sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1));
        double max = n == 0 ? Double.NaN : sorted.get(n - 1);
        System.out.printf(Locale.ROOT, "replication lag (3 SQLite nodes, %s), %s: %d of %d arrivals on B and C;"
                + " p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", how, what, n, expected, p50, p99, max);
        System.out.printf(Locale.ROOT, "{\"kind\":\"replication-lag\",\"mode\":\"%s\",\"nodes\":3,\"writes_per_s\":%d,"
                + "\"seconds\":%d,\"expected\":%d,\"seen\":%d,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}%n",
                mode, rate, seconds, expected, n, p50, p99, max);
    }

    static int get(HttpClient client, String url, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Config config(Path dir) {
        return Config.load(List.of("--data-dir=" + dir, "--port=0", "--log-level=error",
                "--config=" + dir.resolve("keyward.toml")), Map.of());
    }

    /** Node i's TOML: a partner table for each other node; B and C refresh from A by themselves. */
    private static void writeToml(Path dir, int i, List<Integer> ports, List<String> certs) throws Exception {
        StringBuilder t = new StringBuilder("[replication]\norigin = \"repl://127.0.0.1:" + ports.get(i)
                + "\"\nbindaddress = \"127.0.0.1:" + ports.get(i) + "\"\n");
        for (int j = 0; j < ports.size(); j++) {
            if (j != i) {
                t.append("\n[replication.\"repl://127.0.0.1:").append(ports.get(j)).append("\"]\ntype = \"mutual-pull\"\n")
                        .append("partner_cert = \"").append(certs.get(j)).append("\"\n")
                        .append(j == 0 ? "automatic_refresh = true\n" : "");
            }
        }
        Files.writeString(dir.resolve("keyward.toml"), t.toString());
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        if (code != 0) {
            throw new IllegalStateException("keyward " + args[0] + " failed");
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
