package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.store.ChangeRow;

/**
 * The changelog queries of {@link SqlStore}: changes after a version vector, trimming, and the
 * wipe before a full refresh. Change ids are compared as strings (fixed-width, so string order
 * is change order); the id columns use a byte-order collation.
 */
final class Changelog {

    /** Tables a refresh empties, children before parents. Metadata and the audit log stay. */
    private static final String[] REPLACED = {"kw_key_versions", "kw_key_tags", "kw_key_attributes", "kw_key_grants",
        "kw_keys", "kw_tokens", "kw_users", "kw_repl_objects", "kw_changelog", "kw_repl_vector"};

    private Changelog() {
    }

    /** Origin to the value of {@code column} ("change_id" or "trimmed"), skipping nulls. */
    static Map<String, String> vector(Connection c, Jdbc db, String column) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepare(c, "SELECT origin, " + column + " FROM kw_repl_vector ORDER BY origin");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getString(2) != null) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * Changes not covered by {@code vector}, in change-id order: at most {@code limit} rows and,
     * past the first, no more than {@code maxBytes} of payload.
     */
    static List<ChangeRow> after(Connection c, Jdbc db, Map<String, String> vector, int limit, long maxBytes)
            throws SQLException {
        StringBuilder where = new StringBuilder();
        List<String> params = new ArrayList<>();
        for (Map.Entry<String, String> e : vector.entrySet()) {
            where.append(where.length() == 0 ? "" : " OR ").append("(origin = ? AND change_id > ?)");
            params.add(e.getKey());
            params.add(e.getValue());
        }
        if (!vector.isEmpty()) {
            where.append(" OR ").append("NOT (").append(db.dialect.in("origin", vector.size())).append(")");
        }
        // When the vector names every origin here, nothing it lacks lies below its lowest change id:
        // the scan in change-id order starts there instead of at the start of the changelog
        // (a consumer far behind asks many times).
        String lowest = vector.keySet().containsAll(vector(c, db, "change_id").keySet())
                ? vector.values().stream().min(String::compareTo).orElse(null) : null;
        String sql = "SELECT change_id, origin, kind, object_id, payload FROM kw_changelog"
                + (vector.isEmpty() ? "" : " WHERE " + (lowest == null ? "" : "change_id > ? AND (") + where
                + (lowest == null ? "" : ")")) + " ORDER BY change_id LIMIT " + limit;
        List<ChangeRow> out = new ArrayList<>();
        if (lowest != null && !vector.isEmpty()) {
            params.add(0, lowest);
        }
        try (PreparedStatement ps = db.prepare(c, sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            if (!vector.isEmpty()) {
                db.dialect.bindIn(ps, params.size() + 1, new ArrayList<>(vector.keySet()));
            }
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] payload = rs.getBytes(5);
                    bytes += payload.length;
                    if (!out.isEmpty() && bytes > maxBytes) {
                        break;
                    }
                    out.add(new ChangeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), payload));
                }
            }
        }
        return out;
    }

    /**
     * Deletes changes created before {@code beforeMs} and tombstone documents last written before
     * it, remembering per origin the highest trimmed change id; returns the number of changes.
     */
    static int trim(Connection c, Jdbc db, long beforeMs) throws SQLException {
        Map<String, String> highest = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepare(c, "SELECT origin, MAX(change_id) FROM kw_changelog WHERE created_at < ?"
                + " GROUP BY origin")) {
            ps.setLong(1, beforeMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    highest.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        try (PreparedStatement ps = db.prepare(c, "UPDATE kw_repl_vector SET trimmed = ?"
                + " WHERE origin = ? AND (trimmed IS NULL OR trimmed < ?)")) {
            for (Map.Entry<String, String> e : highest.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_repl_objects WHERE tombstone = 1 AND updated_at < ?")) {
            ps.setLong(1, beforeMs);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_changelog WHERE created_at < ?")) {
            ps.setLong(1, beforeMs);
            return ps.executeUpdate();
        }
    }

    /**
     * Empties keys, users, tokens and all replication state, then sets the vector to
     * {@code vector} with everything in it marked trimmed: this node cannot serve changes it never saw.
     */
    static void wipe(Connection c, Jdbc db, Map<String, String> vector) throws SQLException {
        for (String table : REPLACED) {
            try (PreparedStatement ps = db.prepare(c, "DELETE FROM " + table)) {
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_repl_vector (origin, change_id, trimmed) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : vector.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.setString(3, e.getValue());
                ps.executeUpdate();
            }
        }
    }
}
