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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import keyward.cli.Cli;
import keyward.config.Config;
import keyward.server.Node;

/**
 * Replication lag under a steady write load: two nodes (SQLite each) replicating over pinned mTLS
 * with the default settings, keys created on A at a fixed rate, and for each the time until B
 * serves it. Prints one line and a JSON object on the last line of its output.
 *
 * <pre>java keyward.bench.ReplicationLag [seconds] [writes-per-second]</pre>
 */
public final class ReplicationLag {
    private ReplicationLag() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path a = Files.createTempDirectory("kw-bench-repl-a");
        Path b = Files.createTempDirectory("kw-bench-repl-b");
        String token = cli("init", "--data-dir", a.toString(), "--log-level=error").lines()
                .filter(l -> l.startsWith("kw_")).findFirst().orElseThrow();
        for (String f : List.of("kek.key", "pepper.key", "audit.key")) {
            Files.copy(a.resolve(f), b.resolve(f));
        }
        String certA = cli("show-replication-certificate", "--data-dir", a.toString()).trim();
        String certB = cli("show-replication-certificate", "--data-dir", b.toString()).trim();
        int portA = freePort();
        int portB = freePort();
        writeToml(a, portA, portB, certB, false);
        writeToml(b, portB, portA, certA, true);
        try (Node na = Node.start(config(a)); Node nb = Node.start(config(b))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String baseA = "http://127.0.0.1:" + na.port();
            String baseB = "http://127.0.0.1:" + nb.port();
            // B starts on its own empty database and refreshes from A by itself
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (get(client, baseB + "/v1/whoami", token) != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Double> lags = Collections.synchronizedList(new ArrayList<>());
            List<Written> written = Collections.synchronizedList(new ArrayList<>());
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long stopWatching = start + (seconds + 15) * 1_000_000_000L;
            Thread watcher = new Thread(() -> watch(client, baseB, token, written, lags, stopWatching), "lag-watcher");
            watcher.start();
            for (long next = start; next < start + seconds * 1_000_000_000L; next += periodNanos) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseA + "/v1/keys"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"algorithm\":\"aes-256-gcm\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                int at = r.body().indexOf("\"id\":\"") + 6;
                written.add(new Written(r.body().substring(at, at + 36), System.nanoTime()));
            }
            int total = written.size();
            watcher.join();
            List<Double> sorted = new ArrayList<>(lags);
            Collections.sort(sorted);
            int n = sorted.size();
            double p50 = n == 0 ? Double.NaN : sorted.get(n / 2);
            double p99 = n == 0 ? Double.NaN : sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1));
            double max = n == 0 ? Double.NaN : sorted.get(n - 1);
            System.out.printf("replication lag (2 SQLite nodes, default 2 s poll, %d writes/s for %d s): %d of %d keys seen"
                    + " on B; p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", rate, seconds, n, total, p50, p99, max);
            System.out.printf("{\"kind\":\"replication-lag\",\"writes_per_s\":%d,\"seconds\":%d,\"written\":%d,\"seen\":%d,"
                    + "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}%n", rate, seconds, total, n, p50, p99, max);
        } finally {
            deleteTree(a);
            deleteTree(b);
        }
    }

    private record Written(String id, long atNanos) {
    }

    /** Polls B for the oldest key not yet seen, in write order, and records each one's lag. */
    private static void watch(HttpClient client, String baseB, String token, List<Written> written, List<Double> lags,
                              long until) {
        int next = 0;
        try {
            while (System.nanoTime() < until) {
                Written w;
                synchronized (written) {
                    w = next < written.size() ? written.get(next) : null;
                }
                if (w != null && get(client, baseB + "/v1/keys/" + w.id, token) == 200) {
                    lags.add((System.nanoTime() - w.atNanos) / 1e6);
                    next++;
                } else if (w == null && lags.size() > 0 && next >= written.size() && System.nanoTime() > until - 14_000_000_000L) {
                    return;
                } else {
                    Thread.sleep(5);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("lag watcher: " + e);
        }
    }

    private static int get(HttpClient client, String url, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Config config(Path dir) {
        return Config.load(List.of("--data-dir=" + dir, "--port=0", "--log-level=error",
                "--config=" + dir.resolve("keyward.toml")), Map.of());
    }

    private static void writeToml(Path dir, int self, int partner, String partnerCert, boolean secondary) throws Exception {
        String t = "[replication]\norigin = \"repl://127.0.0.1:" + self + "\"\nbindaddress = \"127.0.0.1:" + self + "\"\n\n"
                + "[replication.\"repl://127.0.0.1:" + partner + "\"]\ntype = \"mutual-pull\"\npartner_cert = \"" + partnerCert
                + "\"\n" + (secondary ? "automatic_refresh = true\n" : "");
        Files.writeString(dir.resolve("keyward.toml"), t);
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
