package keyward.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import keyward.json.Json;

/**
 * Turns the rows {@link Measure} and {@link Fill} appended into the table {@code make bench}
 * prints (with each scenario's ratio to the two ceilings measured in the same run), the check of
 * the performance targets, and one JSON document with all of it and the machine.
 * Usage: {@code Report RESULTS.jsonl OUT.json [--git=REV] [--seconds=TOTAL]}.
 */
final class Report {
    static final String BARE = "ceiling-bare";
    static final String AES = "ceiling-aes-gcm";

    private final List<Map<String, Object>> rows = new ArrayList<>();

    private Report(List<Map<String, Object>> rows) {
        this.rows.addAll(rows);
    }

    static void main(String[] args) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(asMap(Json.parse(line, Json.Limits.DEFAULT)));
            }
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            opts.put(args[i].substring(2, eq), args[i].substring(eq + 1));
        }
        Report r = new Report(rows);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        r.printTable(out);
        List<Map<String, Object>> targets = new Targets(rows).check();
        Targets.print(out, targets);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", Machine.describe());
        doc.put("git", opts.getOrDefault("git", "unknown"));
        doc.put("total_seconds", opts.containsKey("seconds") ? Long.parseLong(opts.get("seconds")) : null);
        doc.put("results", rows);
        doc.put("targets", targets);
        Files.writeString(Path.of(args[1]), Json.write(doc) + "\n", StandardCharsets.UTF_8);
        out.println("\nwrote " + args[1]);
    }

    private void printTable(PrintStream out) {
        Double bare = rate(BARE);
        Double aes = rate(AES);
        out.printf(Locale.ROOT, "%n%-15s %-18s %5s %9s %10s %7s %7s %8s %9s %7s %7s%n", "backend", "scenario", "conns",
                "req/s", "items/s", "p50 ms", "p99 ms", "peak RSS", "cpu us/rq", "x bare", "x aes");
        for (Map<String, Object> r : rows) {
            if ("scenario".equals(r.get("kind"))) {
                double rps = num(r, "requests_per_s");
                long items = (long) num(r, "items_per_request");
                out.printf(Locale.ROOT, "%-15s %-18s %5d %9.0f %10s %7.2f %7.2f %6.0fMB %9.0f %7s %7s%s%n",
                        r.get("backend"), r.get("scenario"), (long) num(r, "connections"), rps,
                        items > 1 ? String.format(Locale.ROOT, "%.0f", num(r, "items_per_s")) : "",
                        num(r, "p50_ms"), num(r, "p99_ms"), num(r, "peak_rss_mb"), num(r, "server_cpu_us_per_request"),
                        ratio(rps, bare), pairedRatio(r, aes), num(r, "errors") > 0 ? "  errors: " + r.get("errors") : "");
            }
        }
        for (Map<String, Object> r : rows) {
            if (r.containsKey("paired_ceiling_requests_per_s")) {
                out.printf(Locale.ROOT, "* %s %s against the AES ceiling measured in %d rounds alternating with it:"
                        + " %.0f req/s, p99 %.2f ms, %.0f cpu us/rq%n", r.get("backend"), r.get("scenario"),
                        (long) num(r, "paired_rounds"), num(r, "paired_ceiling_requests_per_s"),
                        num(r, "paired_ceiling_p99_ms"), num(r, "paired_ceiling_cpu_us_per_request"));
            }
        }
        out.println();
        for (Map<String, Object> r : rows) {
            if ("server".equals(r.get("kind")) && num(r, "keys") > 0) {
                out.printf(Locale.ROOT, "%-15s start to /ready %d ms with %,d keys; peak RSS %.0f MB, RSS at the end %.0f MB%n",
                        r.get("backend"), (long) num(r, "ready_ms"), (long) num(r, "keys"), num(r, "peak_rss_mb"),
                        num(r, "rss_mb_end"));
            } else if ("fill".equals(r.get("kind"))) {
                out.printf(Locale.ROOT, "%-15s filled %,d keys through the core in %.1f s%n", r.get("backend"),
                        (long) num(r, "keys"), num(r, "seconds"));
            }
        }
    }

    private Double rate(String backend) {
        return meanRate(rows, backend);
    }

    /** The mean requests/s of a backend's scenario rows; null if it was not measured. */
    static Double meanRate(List<Map<String, Object>> rows, String backend) {
        double sum = 0;
        int n = 0;
        for (Map<String, Object> r : rows) {
            if ("scenario".equals(r.get("kind")) && backend.equals(r.get("backend"))) {
                sum += num(r, "requests_per_s");
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /**
     * The ratio of a row to the AES ceiling: to the ceiling measured in alternation with it where
     * there is one (marked *), else to the mean of the ceiling's own runs.
     */
    private static String pairedRatio(Map<String, Object> r, Double aes) {
        Double paired = pairedCeiling(r);
        return paired == null ? ratio(num(r, "requests_per_s"), aes) : ratio(num(r, "requests_per_s"), paired) + "*";
    }

    /** The rate of the AES ceiling measured in alternation with this row, or null. */
    static Double pairedCeiling(Map<String, Object> r) {
        double v = num(r, "paired_ceiling_requests_per_s");
        return Double.isNaN(v) ? null : v;
    }

    private static String ratio(double rps, Double ceiling) {
        return ceiling == null || ceiling == 0 ? "-" : String.format(Locale.ROOT, "%.3f", rps / ceiling);
    }

    static double num(Map<String, Object> r, String field) {
        Object v = r.get(field);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
