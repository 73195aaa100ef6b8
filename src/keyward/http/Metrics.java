package keyward.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Request counters and latency histograms per operation, plus registered gauges and counters,
 * rendered in the Prometheus text format. A request whose client went away before its answer was
 * written is counted with status 499 ("client closed request", as nginx logs it), never as a 500.
 * Recording is lock-free (LongAdder). Thread-safe.
 */
public final class Metrics {
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /** Bucket bounds in nanoseconds, so that recording needs no floating point. */
    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];
    private static final int MAX_STATUS = 599;

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
        }
    }

    /** One operation's counters: requests by status (made on first use) and the latency histogram. */
    private static final class Histogram {
        final AtomicReferenceArray<LongAdder> byStatus = new AtomicReferenceArray<>(MAX_STATUS + 1);
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        LongAdder status(int status) {
            int i = Math.max(0, Math.min(MAX_STATUS, status));
            LongAdder a = byStatus.get(i);
            if (a == null) {
                byStatus.compareAndSet(i, null, new LongAdder());
                a = byStatus.get(i);
            }
            return a;
        }
    }

    /** A series read at each scrape; {@code type} is "gauge" or "counter". */
    private record Gauge(String help, String type, DoubleSupplier value) {
    }

    private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Gauge> gauges = new ConcurrentHashMap<>();

    /** Allocates nothing once the operation and status have been seen (it runs on every request). */
    void record(String operation, int status, long nanos) {
        Histogram h = latency.get(operation);
        if (h == null) {
            h = latency.computeIfAbsent(operation, o -> new Histogram());
        }
        h.status(status).increment();
        int i = 0;
        while (i < BUCKET_NANOS.length && nanos > BUCKET_NANOS[i]) {
            i++;
        }
        h.counts[i].increment();
        h.sumMicros.add(nanos / 1000);
    }

    /**
     * Registers a gauge, e.g. {@code keyward_db_pool_active}, or one series of a labelled family,
     * e.g. {@code keyward_replication_lag_seconds{partner="repl://b:8444"}} (the family's help is
     * the first series'); a later registration replaces it.
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        gauges.put(name, new Gauge(help, "gauge", value));
    }

    /** As {@link #gauge}, for a value that only grows (a total kept elsewhere, e.g. by the JVM). */
    public void counter(String name, String help, DoubleSupplier value) {
        gauges.put(name, new Gauge(help, "counter", value));
    }

    String render() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP keyward_requests_total Requests by operation and HTTP status.\n");
        sb.append("# TYPE keyward_requests_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        latency.forEach((op, h) -> {
            for (int status = 0; status <= MAX_STATUS; status++) {
                LongAdder n = h.byStatus.get(status);
                if (n != null) {
                    sorted.put("{operation=\"" + op + "\",status=\"" + status + "\"}", n.sum());
                }
            }
        });
        sorted.forEach((labels, n) -> sb.append("keyward_requests_total").append(labels).append(' ').append(n).append('\n'));
        sb.append("# HELP keyward_request_duration_seconds Request latency by operation.\n");
        sb.append("# TYPE keyward_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((op, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                sb.append("keyward_request_duration_seconds_bucket{operation=\"").append(op).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += h.counts[BUCKETS.length].sum();
            sb.append("keyward_request_duration_seconds_bucket{operation=\"").append(op).append("\",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            sb.append("keyward_request_duration_seconds_sum{operation=\"").append(op).append("\"} ")
                    .append(h.sumMicros.sum() / 1e6).append('\n');
            sb.append("keyward_request_duration_seconds_count{operation=\"").append(op).append("\"} ")
                    .append(cumulative).append('\n');
        });
        String family = null;
        for (Map.Entry<String, Gauge> e : new TreeMap<>(gauges).entrySet()) {
            String name = e.getKey();
            Gauge g = e.getValue();
            double v;
            try {
                v = g.value.getAsDouble();
            } catch (RuntimeException ex) {
                v = Double.NaN;
            }
            int brace = name.indexOf('{');
            String f = brace < 0 ? name : name.substring(0, brace);
            if (!f.equals(family)) {
                family = f;
                sb.append("# HELP ").append(f).append(' ').append(g.help).append('\n');
                sb.append("# TYPE ").append(f).append(' ').append(g.type).append('\n');
            }
            sb.append(name).append(' ').append(v).append('\n');
        }
        return sb.toString();
    }
}
