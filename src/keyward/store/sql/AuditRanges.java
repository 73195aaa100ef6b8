package keyward.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import keyward.store.AuditIndex;

/**
 * {@code kw_audit_refs} as stored now (see {@link AuditLog}): each node's mark and, per key and per
 * user, their position ranges merged into sorted disjoint intervals. Marks are read before the
 * ranges: ranges are only added, together with the mark they move, so every entry at or below a
 * mark read first has its ranges among those read after. Immutable; memory grows with the number
 * of ranges (16 bytes each after merging).
 */
final class AuditRanges implements AuditIndex {

    private final Map<String, Long> marks;
    private final Map<String, long[]> intervals; // "kind\nref" -> first0, last0, first1, last1, ...

    private AuditRanges(Map<String, Long> marks, Map<String, long[]> intervals) {
        this.marks = marks;
        this.intervals = intervals;
    }

    static AuditRanges load(Jdbc db) {
        return db.once("auditIndex", false, c -> {
            Map<String, Long> marks = new HashMap<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT ref, last_position FROM kw_audit_refs WHERE kind = 'node'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    marks.put(rs.getString(1), rs.getLong(2));
                }
            }
            Map<String, long[]> intervals = new HashMap<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT kind, ref, first_position, last_position FROM kw_audit_refs"
                    + " WHERE kind <> 'node' ORDER BY kind, ref, first_position");
                 ResultSet rs = ps.executeQuery()) {
                String group = null;
                long[] run = new long[8];
                int n = 0;
                while (rs.next()) {
                    String g = rs.getString(1) + "\n" + rs.getString(2);
                    long first = rs.getLong(3);
                    long last = rs.getLong(4);
                    if (!g.equals(group)) {
                        if (group != null) {
                            intervals.put(group, Arrays.copyOf(run, n));
                        }
                        group = g;
                        n = 0;
                    }
                    if (n > 0 && first <= run[n - 1] + 1) { // overlaps or touches the interval before
                        run[n - 1] = Math.max(run[n - 1], last);
                        continue;
                    }
                    if (n + 2 > run.length) {
                        run = Arrays.copyOf(run, run.length * 2);
                    }
                    run[n++] = first;
                    run[n++] = last;
                }
                if (group != null) {
                    intervals.put(group, Arrays.copyOf(run, n));
                }
            }
            return new AuditRanges(marks, intervals);
        });
    }

    /** A node without a mark wrote its ranges with every batch (schema 3): all of its entries have them. */
    @Override
    public long indexedThrough(String node) {
        Long mark = marks.get(node);
        return mark == null ? Long.MAX_VALUE : mark;
    }

    @Override
    public boolean finds(String kind, String ref, long position) {
        long[] run = intervals.get(kind + "\n" + ref);
        if (run == null) {
            return false;
        }
        int lo = 0;
        int hi = run.length / 2 - 1;
        while (lo <= hi) { // the last interval starting at or before position
            int mid = (lo + hi) >>> 1;
            if (run[2 * mid] <= position) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && run[2 * hi + 1] >= position;
    }

    @Override
    public String name() {
        return "kw_audit_refs";
    }
}
