package keyward.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import keyward.json.Json;

/**
 * The request path of a server on a deployment {@link Fill} made with {@code --named}: starts it
 * (the command after {@code --}, given {@code --port=N}), times start to a 200 from /ready (wall
 * time, and the CPU time the server used until then), reads its RSS, then sends requests one at a time over one keep-alive connection and takes their
 * latency: locate by one tag (ten keys of all), encrypt by name and by id of keys picked at random
 * among all (mostly cache misses), and encrypt by name and by id of one key (cache hits, the
 * figure {@code make bench} measures under load). Appends one TSV row per figure to {@code --out}
 * ({@code request:NAME, backend, keys, value}) and prints them.
 *
 * <pre>
 * ScaleProbe --label=sqlite --keys=N --data-dir=DIR --out=FILE.tsv --log=FILE [--requests=2000] -- java ... keyward.Main server ...
 * </pre>
 */
final class ScaleProbe {
    private static final int MAX_ANSWER = 1 << 20;
    private static final Json.Limits LIMITS = new Json.Limits(64, MAX_ANSWER, MAX_ANSWER);

    private final Flags flags;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final Random random = new Random(21);
    private ServerProcess server;
    private long cpuAtStart;

    private ScaleProbe(String[] args) {
        this.flags = new Flags("scale-probe", args);
    }

    static void main(String[] args) throws Exception {
        new ScaleProbe(args).run();
    }

    private String opt(String name, String fallback) {
        return flags.get(name, fallback);
    }

    private void run() throws Exception {
        String label = opt("label", null);
        int keys = Integer.parseInt(opt("keys", null));
        int requests = Integer.parseInt(opt("requests", "2000"));
        String token = Files.readString(Path.of(opt("data-dir", null), "admin.token")).trim();
        try (ServerProcess server = ServerProcess.start(flags.server, Path.of(opt("log", null)))) {
            long readyMs = server.awaitReady(120_000);
            figure("ready_ms", Long.toString(readyMs));
            // the CPU time the start took: on a busy shared machine the wall time above is mostly waiting for a core
            figure("ready_cpu_ms", Long.toString(server.cpuMillis()));
            figure("rss_mb_at_ready", String.format(Locale.ROOT, "%.0f", server.rssMb()));
            try (Conn conn = new Conn(server.port, token)) {
                this.server = server;
                List<String> ids = locate(conn, keys, requests);
                encrypt(conn, "encrypt_by_name_random", requests, () -> Fill.name(random.nextInt(keys)));
                encrypt(conn, "encrypt_by_id_random", requests, () -> ids.get(random.nextInt(ids.size())));
                String hotName = Fill.name(0);
                encrypt(conn, "encrypt_by_name_one_key", requests, () -> hotName);
                String hotId = ids.get(0);
                encrypt(conn, "encrypt_by_id_one_key", requests, () -> hotId);
            }
            figure("rss_mb_end", String.format(Locale.ROOT, "%.0f", server.rssMb()));
            figure("peak_rss_mb", String.format(Locale.ROOT, "%.0f", server.peakRssMb()));
        }
        StringBuilder rows = new StringBuilder();
        figures.forEach((name, value) -> rows.append("request:").append(name).append('\t').append(label).append('\t')
                .append(keys).append('\t').append(value).append('\n'));
        Files.writeString(Path.of(opt("out", null)), rows, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private void figure(String name, String value) {
        figures.put(name, value);
        System.out.printf(Locale.ROOT, "bench-scale: %s: %s %s%n", opt("label", null), name, value);
    }

    /** Locates by random tags; checks each finds its ten keys; returns the ids seen (for encrypt by id). */
    private List<String> locate(Conn conn, int keys, int requests) throws IOException {
        int groups = Math.max(1, keys / Fill.KEYS_PER_TAG);
        List<String> ids = new ArrayList<>();
        Latencies lat = new Latencies();
        for (int i = 0; i < requests + requests / 4; i++) { // the first fifth warms up, unrecorded
            int group = random.nextInt(groups);
            long t0 = System.nanoTime();
            Http.Answer a = conn.send("GET", "/v1/keys?tag=" + Fill.tag(group), null);
            long nanos = System.nanoTime() - t0;
            List<?> found = (List<?>) json(a).get("keys");
            int want = Math.min(Fill.KEYS_PER_TAG, keys - group * Fill.KEYS_PER_TAG);
            if (found.size() != want) {
                throw new IOException("locate by tag " + Fill.tag(group) + " found " + found.size() + " keys, not " + want);
            }
            if (i == requests / 4) {
                cpuAtStart = server.cpuMillis();
            }
            if (i >= requests / 4) {
                lat.add(nanos);
            }
            if (ids.size() < 100_000) {
                ids.add((String) ((Map<?, ?>) found.get(0)).get("id"));
            }
        }
        latencyFigures("locate_one_tag", lat);
        return ids;
    }

    private void encrypt(Conn conn, String name, int requests, java.util.function.Supplier<String> ref) throws IOException {
        Latencies lat = new Latencies();
        String body = "{\"plaintext\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[64]) + "\"}";
        for (int i = 0; i < requests + requests / 4; i++) {
            if (i == requests / 4) {
                cpuAtStart = server.cpuMillis();
            }
            long t0 = System.nanoTime();
            json(conn.send("POST", "/v1/keys/" + ref.get() + "/encrypt", body));
            if (i >= requests / 4) {
                lat.add(System.nanoTime() - t0);
            }
        }
        latencyFigures(name, lat);
    }

    /**
     * p50 and p99, and the server's CPU time per recorded request: on a busy machine the latency is
     * mostly waiting for a core, the CPU time is what the request cost (10 ms resolution over the phase).
     */
    private void latencyFigures(String name, Latencies lat) throws IOException {
        figure(name + "_p50_ms", String.format(Locale.ROOT, "%.3f", lat.quantileMillis(0.5)));
        figure(name + "_p99_ms", String.format(Locale.ROOT, "%.3f", lat.quantileMillis(0.99)));
        figure(name + "_server_cpu_us", Long.toString((server.cpuMillis() - cpuAtStart) * 1000 / lat.count()));
    }

    private static Map<?, ?> json(Http.Answer a) throws IOException {
        if (a.status() != 200) {
            throw new IOException("the server answered " + a.status() + ": " + a.body());
        }
        return (Map<?, ?>) Json.parse(a.body(), LIMITS);
    }

    /** One keep-alive connection; answers must carry Content-Length (ours do). Not thread-safe. */
    private static final class Conn implements AutoCloseable {
        private final int port;
        private final String token;
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final InputStream in;

        Conn(int port, String token) throws IOException {
            this.port = port;
            this.token = token;
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 65536);
        }

        Http.Answer send(String method, String path, String body) throws IOException {
            out.write(Http.request(method, path, port, token, body, true));
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("no HTTP answer to " + method + " " + path);
            }
            int length = -1;
            for (String h; !(h = line()).isEmpty(); ) {
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            if (length < 0 || length > MAX_ANSWER) {
                throw new IOException("answer to " + method + " " + path + " without a usable Content-Length");
            }
            byte[] b = in.readNBytes(length);
            if (b.length != length) {
                throw new IOException("the server closed the connection in an answer");
            }
            return new Http.Answer(Integer.parseInt(status.substring(9, 12)), new String(b, StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
                if (sb.length() > 8192) {
                    throw new IOException("header line too long");
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
