package keyward.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import keyward.json.Json;

/**
 * One server under load: starts it (the command after {@code --}, given {@code --port=N}), times
 * start to a 200 from /ready, warms it up with the first scenario's requests until its JIT settles
 * ({@link #warmUp}; unrecorded: that time is the JIT's), runs the scenarios one after another, and
 * appends one JSON object per
 * scenario, and one for the server, as lines to the {@code --out} file.
 *
 * <pre>
 * Measure --label=sqlite --scenarios=encrypt-64B,create-key --out=FILE --data-dir=DIR --log=FILE
 *         [--keys=100000] [--server-warmup=6] [--warmup=2] [--seconds=5] [--connections=32]
 *         -- java ... keyward.Main server ...
 * Measure --label=ceiling-aes --ceiling --out=FILE --log=FILE -- java ... keyward.bench.Bench ceiling --aes
 * Measure --label=sqlite ... [--paired-rounds=4] -- java ... keyward.Main server ... -- java ... Bench ceiling --aes
 * </pre>
 *
 * <p>With a second command (the AES ceiling) after a second {@code --}, both servers run side by
 * side and the first scenario, if it is encrypt-64B (the ceiling's own request), is measured
 * paired: in rounds that alternate between the ceiling and the server (ceiling first in even
 * rounds, last in odd ones), so that the drift of a shared machine, which moves throughput by a
 * quarter within a minute, falls on both sides of the ratio alike. The server's row then carries
 * the ceiling's rate over the same rounds.
 */
final class Measure {
    private final Flags flags;

    private Measure(String[] args) {
        this.flags = new Flags("measure", args);
    }

    static void main(String[] args) throws Exception {
        new Measure(args).run();
    }

    private String opt(String name, String fallback) {
        return flags.get(name, fallback);
    }

    private void run() throws Exception {
        String label = opt("label", null);
        Path out = Path.of(opt("out", null));
        boolean ceiling = flags.has("ceiling");
        int keys = Integer.parseInt(opt("keys", "0"));
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(opt("warmup", "2")) * 1000));
        Duration seconds = Duration.ofMillis((long) (Double.parseDouble(opt("seconds", "5")) * 1000));
        int connections = Integer.parseInt(opt("connections", "32"));
        Path log = Path.of(opt("log", null));
        try (ServerProcess server = ServerProcess.start(flags.server, log);
             ServerProcess ceilingServer = flags.second.isEmpty() ? null
                     : ServerProcess.start(flags.second, log.resolveSibling(log.getFileName() + ".ceiling"))) {
            long readyMs = server.awaitReady(60_000);
            System.err.printf(Locale.ROOT, "%s: ready in %d ms (port %d)%n", label, readyMs, server.port);
            List<Scenarios.Scenario> scenarios = new ArrayList<>();
            if (ceiling) {
                scenarios.add(Scenarios.ceiling(server.port));
            } else {
                String token = Files.readString(Path.of(opt("data-dir", null), "admin.token")).trim();
                Scenarios s = Scenarios.setUp(server.port, token, keys);
                for (String name : opt("scenarios", String.join(",", Scenarios.ALL)).split(",")) {
                    scenarios.add(s.build(name));
                }
            }
            // the JIT compiles the common path (HTTP, JSON, auth, audit) once per process: for 8-10 s under
            // load on two cores, as C2's CPU time shows; that cost belongs in no scenario's numbers
            Duration serverWarmup = Duration.ofMillis((long) (Double.parseDouble(opt("server-warmup", "6")) * 1000));
            warmUp(label, server, scenarios.get(0), connections, serverWarmup);
            Paired paired = null;
            if (ceilingServer != null && scenarios.get(0).name().equals("encrypt-64B")) {
                ceilingServer.awaitReady(60_000);
                Scenarios.Scenario c = Scenarios.ceiling(ceilingServer.port);
                // the ceiling's JIT gets its warm-up too, the same way (its code is small: it settles sooner)
                warmUp("ceiling", ceilingServer, c, connections, Duration.ofSeconds(3));
                paired = new Paired(ceilingServer, c, Integer.parseInt(opt("paired-rounds", "4")));
            }
            double peak = 0;
            for (Scenarios.Scenario sc : scenarios) {
                Map<String, Object> row = measure(server, label, sc, connections, warmup, seconds, paired);
                paired = null; // the first scenario only
                peak = Math.max(peak, (Double) row.get("peak_rss_mb"));
                append(out, row);
            }
            Map<String, Object> srv = new LinkedHashMap<>();
            srv.put("kind", "server");
            srv.put("backend", label);
            srv.put("keys", (long) keys);
            srv.put("ready_ms", readyMs);
            srv.put("rss_mb_end", round(server.rssMb()));
            srv.put("peak_rss_mb", round(peak));
            append(out, srv);
        }
    }

    /**
     * Longest a warm-up goes on past its minimum while the JIT is still busy, as a multiple of
     * the minimum: SQLite's 6 s may become 12; the other backends' 3 s (their drivers' code is
     * still compiling then) at most 6, which keeps the whole run within its 5 minutes.
     */
    private static final int WARMUP_MAX_FACTOR = 2;
    /** The JIT counts as settled when its threads used less than this share of one burst's time. */
    private static final double COMPILER_QUIET = 0.05;

    /**
     * Warms {@code server} up with {@code sc}'s requests in bursts of one second, each on fresh
     * connections, for at least {@code min}, then until the JIT compilers used less than
     * {@link #COMPILER_QUIET} of a burst (at most {@link #WARMUP_MAX_FACTOR} times {@code min} in
     * all). Why bursts: C2 compiles the hot path under one steady load, then throws much of it
     * away at the first connections closed and opened (the JDK's read loop, the dispatcher's
     * accept path), and recompiles it, a second or two of compiler time, in whatever window comes
     * next. A server that has run a while has seen both; so should the one measured.
     */
    private static void warmUp(String label, ServerProcess server, Scenarios.Scenario sc, int connections,
                               Duration min) throws IOException {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port);
        Duration burst = Duration.ofSeconds(1);
        long start = System.nanoTime();
        long minNanos = min.toNanos();
        long maxNanos = minNanos * WARMUP_MAX_FACTOR;
        long compiler = server.compilerCpuMillis();
        long lastBurstCompilerMs;
        long elapsed;
        boolean settled = false;
        do {
            long t0 = System.nanoTime();
            Load.run(address, sc.requests(), connections, burst, Duration.ZERO, Load.Window.NONE);
            long now = server.compilerCpuMillis();
            lastBurstCompilerMs = now - compiler;
            compiler = now;
            elapsed = System.nanoTime() - start;
            settled = lastBurstCompilerMs < COMPILER_QUIET * (System.nanoTime() - t0) / 1e6;
        } while (elapsed < (settled ? minNanos : maxNanos));
        System.err.printf(Locale.ROOT, "%s: warmed up in %.1f s; the JIT used %d ms of the last burst%s%n", label,
                elapsed / 1e9, lastBurstCompilerMs, settled ? "" : " (still busy: measuring anyway)");
    }

    /** The ceiling a scenario is measured in alternation with, in {@code rounds} rounds. */
    private record Paired(ServerProcess ceiling, Scenarios.Scenario scenario, int rounds) {
    }

    /** A measured window and the server's CPU time in it. */
    private record Window(Load.Result result, long cpuMillis) {
        Window plus(Window other) {
            return new Window(result.plus(other.result), cpuMillis + other.cpuMillis);
        }
    }

    private static Window window(ServerProcess server, Scenarios.Scenario sc, int connections, Duration warmup,
                                 Duration seconds) throws IOException {
        long[] cpu = new long[2];
        Load.Result r = Load.run(new InetSocketAddress("127.0.0.1", server.port), sc.requests(), connections, warmup,
                seconds, new Load.Window() {
                    @Override
                    public void opened() throws IOException {
                        cpu[0] = server.cpuMillis();
                    }

                    @Override
                    public void closed() throws IOException {
                        cpu[1] = server.cpuMillis();
                    }
                });
        return new Window(r, cpu[1] - cpu[0]);
    }

    private static Map<String, Object> measure(ServerProcess server, String label, Scenarios.Scenario sc,
                                               int runConnections, Duration warmup, Duration seconds,
                                               Paired paired) throws IOException {
        int connections = sc.connections() > 0 ? sc.connections() : runConnections;
        if (warmup.getSeconds() < sc.minWarmupSeconds()) {
            warmup = Duration.ofSeconds(sc.minWarmupSeconds());
        }
        boolean reset = server.resetPeak();
        Window w;
        Window ceiling = null;
        if (paired == null) {
            w = window(server, sc, connections, warmup, seconds);
        } else {
            // each side gets `seconds` in all, in short windows after a short warm-up of their own
            // connections; the order alternates so that a steady drift cancels out
            Duration each = seconds.dividedBy(paired.rounds());
            Duration settle = Duration.ofMillis(500);
            w = null;
            for (int round = 0; round < paired.rounds(); round++) {
                Window c = null;
                if (round % 2 == 0) {
                    c = window(paired.ceiling(), paired.scenario(), connections, settle, each);
                }
                Window k = window(server, sc, connections, settle, each);
                if (c == null) {
                    c = window(paired.ceiling(), paired.scenario(), connections, settle, each);
                }
                w = w == null ? k : w.plus(k);
                ceiling = ceiling == null ? c : ceiling.plus(c);
            }
        }
        Load.Result r = w.result();
        Map<String, Object> row = scenarioRow(label, sc.name(), connections, sc.itemsPerRequest(), r, w.cpuMillis(),
                server.peakRssMb());
        row.put("peak_rss_is_per_scenario", reset);
        if (ceiling != null) {
            Load.Result c = ceiling.result();
            row.put("paired_rounds", (long) paired.rounds());
            row.put("paired_ceiling_requests_per_s", round(c.perSecond()));
            row.put("paired_ceiling_p99_ms", c.latencies().quantileMillis(0.99));
            row.put("paired_ceiling_cpu_us_per_request",
                    c.completed() == 0 ? 0.0 : round(ceiling.cpuMillis() * 1000.0 / c.completed()));
            System.err.printf(Locale.ROOT, "  %-10s %-18s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (the AES ceiling, in"
                    + " %d rounds alternating with %s)%n", "ceiling", sc.name(), c.perSecond(),
                    c.latencies().quantileMillis(0.5), c.latencies().quantileMillis(0.99), paired.rounds(), label);
        }
        report(label, sc.name(), r);
        return row;
    }

    /** The row of one measured scenario, as the report reads it. */
    static Map<String, Object> scenarioRow(String label, String scenario, int connections, int itemsPerRequest,
                                           Load.Result r, long cpuMillis, double peakRssMb) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "scenario");
        row.put("backend", label);
        row.put("scenario", scenario);
        row.put("connections", (long) connections);
        row.put("seconds", r.seconds());
        row.put("requests", r.completed());
        row.put("errors", r.errors());
        row.put("requests_per_s", round(r.perSecond()));
        row.put("items_per_request", (long) itemsPerRequest);
        row.put("items_per_s", round(r.perSecond() * itemsPerRequest));
        row.put("p50_ms", r.latencies().quantileMillis(0.50));
        row.put("p90_ms", r.latencies().quantileMillis(0.90));
        row.put("p99_ms", r.latencies().quantileMillis(0.99));
        row.put("max_ms", r.latencies().maxMillis());
        row.put("peak_rss_mb", round(peakRssMb));
        // the server's CPU time per request: steadier than throughput on a machine shared with others
        row.put("server_cpu_us_per_request", r.completed() == 0 ? 0.0 : round(cpuMillis * 1000.0 / r.completed()));
        row.put("latency_histogram", r.latencies().histogram());
        if (r.firstError() != null) {
            row.put("first_error", r.firstError());
        }
        return row;
    }

    /** One scenario's line on the console. */
    static void report(String label, String scenario, Load.Result r) {
        System.err.printf(Locale.ROOT, "  %-10s %-21s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d%n", label,
                scenario, r.perSecond(), r.latencies().quantileMillis(0.5), r.latencies().quantileMillis(0.99),
                r.errors());
        if (r.firstError() != null) {
            System.err.println("    first error: " + r.firstError());
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static void append(Path out, Map<String, Object> row) throws IOException {
        Files.writeString(out, Json.write(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
