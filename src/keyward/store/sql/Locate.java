package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;

/**
 * Builds and runs the locate query: one page in id order, fetched with one row more than asked
 * (which tells whether there is a next page), then the page's children in a few batched queries.
 *
 * <p>Speed with many keys comes from choosing which index yields the candidates, in id order so
 * that a page stops after about {@code limit} matches:
 * <ul>
 *   <li>a tag: the {@code (tag, key_id)} index of that tag;</li>
 *   <li>visibility to a user: the union of three ordered index ranges (keys the user owns, keys
 *       granted to the user, keys granted to "*"), each cut at the page size with every filter
 *       applied inside it, so the union's first rows are the page;</li>
 *   <li>neither: the primary key.</li>
 * </ul>
 * With several of these, the one with the fewest rows drives, found by capped counts in one
 * round trip: a rare tag beats a common one whatever their order in the query, and the planner's
 * statistics (which SQLite lacks until analyzed) are not relied on.
 */
final class Locate {

    /** Counts are capped here: past it a source counts as "common", and common sources are equally good drivers. */
    private static final int COUNT_CAP = 5000;
    /** Visibility is first counted only this far, in the same round trip as the tags. */
    private static final int QUICK_CAP = 64;

    private final Jdbc db;
    private final KeyReads reads;

    Locate(Jdbc db, KeyReads reads) {
        this.db = db;
        this.reads = reads;
    }

    KeyPage run(KeyQuery q) {
        Limits.text("locate cursor", q.after(), Limits.ID, true);
        List<String> tags = q.tags().stream().distinct().toList();
        return db.read("locate", c -> {
            int driver = tags.size() + (q.visibleTo() != null ? 1 : 0) > 1 ? smallest(c, tags, q.visibleTo()) : 0;
            List<Object> params = new ArrayList<>();
            String sql = driver < tags.size() ? byTag(q, tags, driver, params)
                    : q.visibleTo() != null ? byVisibility(q, tags, params) : byId(q, tags, params);
            return page(c, sql, params, q.limit());
        });
    }

    private KeyPage page(Connection c, String sql, List<Object> params, int limit) throws SQLException {
        Map<String, KeyRecord.Builder> rows = reads.rows(c, sql, params, limit + 1);
        String next = null;
        if (rows.size() > limit) {
            List<String> ids = new ArrayList<>(rows.keySet());
            rows.remove(ids.get(limit));
            next = ids.get(limit - 1);
        }
        return new KeyPage(reads.complete(c, rows), next);
    }

    /**
     * Index of the source with the fewest rows: tags by position, then visibility (= tags.size()).
     * One round trip counts the tags (up to {@link #COUNT_CAP}) and visibility up to
     * {@link #QUICK_CAP}, which settles it whenever visibility is small or a tag is: a rare tag is
     * then chosen without walking thousands of a busy owner's keys. Only when both are larger does
     * a second count take visibility up to the smallest tag count.
     */
    private int smallest(Connection c, List<String> tags, String visibleTo) throws SQLException {
        List<String> counts = new ArrayList<>();
        List<Object> params = new ArrayList<>(tags);
        for (int i = 0; i < tags.size(); i++) {
            counts.add(CAPPED.formatted("kw_key_tags", "tag", COUNT_CAP, i));
        }
        if (visibleTo != null) {
            counts.add(visible(QUICK_CAP));
            params.addAll(List.of(visibleTo, visibleTo, "*"));
        }
        long[] n = counts(c, counts, params);
        int best = 0;
        for (int i = 1; i < tags.size(); i++) {
            best = n[i] < n[best] ? i : best;
        }
        long bestCount = tags.isEmpty() ? COUNT_CAP : n[best];
        if (visibleTo == null) {
            return best;
        }
        long v = n[tags.size()];
        if (v >= QUICK_CAP && bestCount > QUICK_CAP) {
            // both are large: count visibility up to the smallest tag count to tell which is smaller
            long cap = Math.min(COUNT_CAP, bestCount + 1);
            v = counts(c, List.of(visible(cap)), new ArrayList<>(List.of(visibleTo, visibleTo, "*")))[0];
        }
        return tags.isEmpty() || v < bestCount ? tags.size() : best;
    }

    private static final String CAPPED = "(SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s = ? LIMIT %d) c%d)";

    /** The keys visible to a user (owned, granted to them, granted to "*"), each counted up to {@code cap}. */
    private static String visible(long cap) {
        return "(" + CAPPED.formatted("kw_keys", "owner", cap, 90) + " + " + CAPPED.formatted("kw_key_grants",
                "user_name", cap, 91) + " + " + CAPPED.formatted("kw_key_grants", "user_name", cap, 92) + ")";
    }

    private long[] counts(Connection c, List<String> counts, List<Object> params) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT " + String.join(", ", counts))) {
            KeyReads.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long[] out = new long[counts.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rs.getLong(i + 1);
                }
                return out;
            }
        }
    }

    private String byId(KeyQuery q, List<String> tags, List<Object> params) {
        return "SELECT " + KeyReads.COLUMNS + " FROM kw_keys k WHERE " + conditions("k", q, tags, -1, true, params)
                + " ORDER BY k.id LIMIT " + (q.limit() + 1);
    }

    private String byTag(KeyQuery q, List<String> tags, int driver, List<Object> params) {
        params.add(tags.get(driver));
        String after = "";
        if (q.after() != null) {
            // stated on both sides of the join: PostgreSQL does not carry a range across an equality
            after = " AND t0.key_id > ?";
            params.add(q.after());
        }
        return "SELECT " + db.dialect.keepJoinOrder() + KeyReads.COLUMNS + " FROM kw_key_tags t0 JOIN kw_keys k ON k.id = t0.key_id WHERE t0.tag = ?"
                + after + " AND " + conditions("k", q, tags, driver, true, params) + " ORDER BY t0.key_id LIMIT " + (q.limit() + 1);
    }

    private String byVisibility(KeyQuery q, List<String> tags, List<Object> params) {
        int n = q.limit() + 1;
        String keep = db.dialect.keepJoinOrder();
        StringBuilder sql = new StringBuilder("SELECT ").append(keep).append(KeyReads.COLUMNS).append(" FROM (");
        params.add(q.visibleTo());
        sql.append("SELECT id FROM (SELECT k1.id AS id FROM kw_keys k1 WHERE k1.owner = ? AND ")
                .append(conditions("k1", q, tags, -1, false, params)).append(" ORDER BY k1.id LIMIT ").append(n).append(") b1");
        String[] grantees = {q.visibleTo(), "*"};
        for (int i = 0; i < grantees.length; i++) {
            String k = "k" + (i + 2);
            params.add(grantees[i]);
            String after = "";
            if (q.after() != null) {
                after = " AND g.key_id > ?";
                params.add(q.after());
            }
            sql.append(" UNION SELECT id FROM (SELECT ").append(keep).append("g.key_id AS id FROM kw_key_grants g JOIN kw_keys ").append(k)
                    .append(" ON ").append(k).append(".id = g.key_id WHERE g.user_name = ?").append(after).append(" AND ")
                    .append(conditions(k, q, tags, -1, false, params)).append(" ORDER BY g.key_id LIMIT ").append(n)
                    .append(") b").append(i + 2);
        }
        return sql.append(") v JOIN kw_keys k ON k.id = v.id ORDER BY k.id LIMIT ").append(n).toString();
    }

    /**
     * Every filter of {@code q} on the key alias {@code k}, ANDed (never empty): the cursor, tags
     * other than the driving one, the column filters and, if {@code withVisibility}, the visibility.
     */
    private String conditions(String k, KeyQuery q, List<String> tags, int driver, boolean withVisibility,
                                     List<Object> params) {
        List<String> where = new ArrayList<>(List.of("1 = 1"));
        if (q.after() != null) {
            where.add(k + ".id > ?");
            params.add(q.after());
        }
        for (int i = 0; i < tags.size(); i++) {
            if (i != driver) {
                where.add(db.dialect.exists("kw_key_tags t", "t.key_id = " + k + ".id AND t.tag = ?"));
                params.add(tags.get(i));
            }
        }
        String[][] columns = {{"name", q.name()}, {"algorithm", q.algorithm()}, {"state", q.state() == null ? null : q.state().wire()}, {"owner", q.owner()}};
        for (String[] column : columns) {
            if (column[1] != null) {
                where.add(k + "." + column[0] + " = ?");
                params.add(column[1]);
            }
        }
        if (withVisibility && q.visibleTo() != null) {
            where.add("(" + k + ".owner = ? OR "
                    + db.dialect.exists("kw_key_grants g", "g.key_id = " + k + ".id AND g.user_name IN (?, '*')") + ")");
            params.add(q.visibleTo());
            params.add(q.visibleTo());
        }
        return String.join(" AND ", where);
    }
}
