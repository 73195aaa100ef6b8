package keyward.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every measured request's latency in microseconds, kept exactly (a scenario of a few seconds
 * holds at most a few hundred thousand), so percentiles are exact rather than bucketed. Not
 * thread-safe: one load generator thread owns it.
 */
final class Latencies {
    private int[] micros = new int[1 << 16];
    private int count;
    private boolean sorted;

    void add(long nanos) {
        if (count == micros.length) {
            micros = Arrays.copyOf(micros, micros.length * 2);
        }
        micros[count++] = (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
        sorted = false;
    }

    /** Adds every latency {@code other} recorded. */
    void addAll(Latencies other) {
        for (int i = 0; i < other.count; i++) {
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, micros.length * 2);
            }
            micros[count++] = other.micros[i];
        }
        sorted = false;
    }

    int count() {
        return count;
    }

    /** The latency at quantile {@code q} (0..1) in milliseconds; 0 when nothing was recorded. */
    double quantileMillis(double q) {
        if (count == 0) {
            return 0;
        }
        sort();
        int i = (int) Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
        return micros[i] / 1000.0;
    }

    double maxMillis() {
        return quantileMillis(1.0);
    }

    /**
     * A histogram in powers of two of microseconds: "le_64us" counts requests that took at most 64 µs
     * and more than the previous bucket's bound. Empty buckets are left out.
     */
    Map<String, Object> histogram() {
        sort();
        Map<String, Object> out = new LinkedHashMap<>();
        int i = 0;
        for (long bound = 64; i < count; bound *= 2) {
            int start = i;
            while (i < count && micros[i] <= bound) {
                i++;
            }
            if (i > start) {
                out.put("le_" + bound + "us", (long) (i - start));
            }
        }
        return out;
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(micros, 0, count);
            sorted = true;
        }
    }
}
