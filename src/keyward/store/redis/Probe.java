package keyward.store.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where a monotone predicate over a long range turns true, probing many points per round
 * trip: first lo, lo+1, lo+3, lo+7, ... (so the cost follows the answer, not the range), then
 * 16 evenly spaced points per round. About log16 of the answer rounds.
 */
final class Probe {

    /** Evaluates the predicate at several points at once (one pipeline). */
    interface Test {
        boolean[] at(long[] points);
    }

    private Probe() {
    }

    /** The first x in [lo, hi) where the predicate holds, or hi if it holds nowhere there. */
    static long firstTrue(long lo, long hi, Test test) {
        if (lo >= hi) {
            return hi;
        }
        List<Long> exp = new ArrayList<>();
        for (long step = 1; lo + step - 1 < hi && step > 0; step <<= 1) {
            exp.add(lo + step - 1);
        }
        long[] points = exp.stream().mapToLong(Long::longValue).toArray();
        int j = firstTrueIndex(test.at(points));
        if (j == 0) {
            return lo;
        }
        if (j < 0) {
            lo = points[points.length - 1] + 1;
        } else {
            lo = points[j - 1] + 1;
            hi = points[j];
        }
        while (lo < hi) {
            long span = hi - lo;
            int n = (int) Math.min(16, span);
            points = new long[n];
            for (int i = 0; i < n; i++) {
                points[i] = lo + (span / n) * i;
            }
            j = firstTrueIndex(test.at(points));
            if (j == 0) {
                return lo;
            }
            if (j < 0) {
                lo = points[n - 1] + 1;
            } else {
                lo = points[j - 1] + 1;
                hi = points[j];
            }
        }
        return lo;
    }

    private static int firstTrueIndex(boolean[] r) {
        for (int i = 0; i < r.length; i++) {
            if (r[i]) {
                return i;
            }
        }
        return -1;
    }
}
