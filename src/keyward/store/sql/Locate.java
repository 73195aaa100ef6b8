package keyward.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;

/**
 * Builds and runs the locate query. One page is fetched in id order with one row more than asked,
 * which tells whether there is a next page; its children then come in a few batched queries.
 *
 * <p>With tags the query starts from the {@code (tag, key_id)} index of the first tag, which yields
 * rows already in id order, so a page costs about {@code limit} index steps whether the tag is on
 * most keys or on a few; further tags are checked per row. A {@code visibleTo} user is matched by
 * owner or by a grant to them or to "*".
 */
final class Locate {

    private final Jdbc db;
    private final KeyReads reads;

    Locate(Jdbc db, KeyReads reads) {
        this.db = db;
        this.reads = reads;
    }

    KeyPage run(KeyQuery q) {
        Limits.text("locate cursor", q.after(), Limits.ID, true);
        List<Object> params = new ArrayList<>();
        String sql = sql(q, params);
        return db.read("locate", c -> page(c, sql, params, q.limit()));
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

    static String sql(KeyQuery q, List<Object> params) {
        List<String> tags = q.tags().stream().distinct().toList();
        StringBuilder sql = new StringBuilder("SELECT ").append(KeyReads.COLUMNS);
        StringBuilder where = new StringBuilder();
        String order;
        if (tags.isEmpty()) {
            sql.append(" FROM kw_keys k");
            order = "k.id";
        } else {
            sql.append(" FROM kw_key_tags t0 JOIN kw_keys k ON k.id = t0.key_id");
            and(where, "t0.tag = ?", params, tags.get(0));
            order = "t0.key_id";
        }
        if (q.after() != null) {
            and(where, order + " > ?", params, q.after());
        }
        for (String tag : tags.subList(Math.min(1, tags.size()), tags.size())) {
            and(where, "EXISTS (SELECT 1 FROM kw_key_tags t WHERE t.key_id = k.id AND t.tag = ?)", params, tag);
        }
        filter(where, "k.name", q.name(), params);
        filter(where, "k.algorithm", q.algorithm(), params);
        filter(where, "k.state", q.state(), params);
        filter(where, "k.owner", q.owner(), params);
        if (q.visibleTo() != null) {
            and(where, "(k.owner = ? OR EXISTS (SELECT 1 FROM kw_key_grants g WHERE g.key_id = k.id"
                    + " AND g.user_name IN (?, '*')))", params, q.visibleTo());
            params.add(q.visibleTo());
        }
        if (where.length() > 0) {
            sql.append(" WHERE ").append(where);
        }
        sql.append(" ORDER BY ").append(order).append(" LIMIT ").append(q.limit() + 1);
        return sql.toString();
    }

    private static void filter(StringBuilder where, String column, String value, List<Object> params) {
        if (value != null) {
            and(where, column + " = ?", params, value);
        }
    }

    private static void and(StringBuilder where, String condition, List<Object> params, String value) {
        where.append(where.length() == 0 ? "" : " AND ").append(condition);
        params.add(value);
    }
}
