package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * Tables a refresh empties, children before parents, and the children once more after the keys:
     * on PostgreSQL each statement sees what was committed when it began, so a key written by
     * another instance between the first pass and the keys' would leave its children behind (no
     * foreign key refuses that since schema step 6). Metadata and the audit log stay.
     */
    private static final List<String> REPLACED = replaced("kw_key_versions", "kw_key_tags", "kw_key_attributes",
            "kw_key_grants");

    private static List<String> replaced(String... keyChildren) {
        List<String> tables = new ArrayList<>(List.of(keyChildren));
        tables.add("kw_keys");
        tables.addAll(List.of(keyChildren));
        tables.addAll(List.of("kw_tokens", "kw_users", "kw_repl_objects", "kw_changelog", "kw_repl_vector"));
        return List.copyOf(tables);
    }

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
     * past the first, no more than {@code maxBytes} of payload. One index range read per origin
     * this changelog holds changes of (every origin appended here has its row in kw_repl_vector),
     * each starting at that origin's entry in {@code vector}, merged by change id: a consumer far
     * behind costs {@code limit} rows per origin per call wherever it is, never a scan from the
     * lowest entry of its vector (its own old changes) up to where it is.
     */
    static List<ChangeRow> after(Connection c, Jdbc db, Map<String, String> vector, int limit, long maxBytes)
            throws SQLException {
        List<String> origins = new ArrayList<>();
        try (PreparedStatement ps = db.prepare(c, "SELECT origin FROM kw_repl_vector");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                origins.add(rs.getString(1));
            }
        }
        List<ChangeRow> all = new ArrayList<>();
        for (String origin : origins) {
            try (PreparedStatement ps = db.prepare(c, "SELECT change_id, origin, kind, object_id, payload FROM kw_changelog"
                    + " WHERE origin = ? AND change_id > ? ORDER BY change_id LIMIT " + limit)) {
                ps.setString(1, origin);
                ps.setString(2, vector.getOrDefault(origin, ""));
                long bytes = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] payload = rs.getBytes(5);
                        bytes += payload.length;
                        all.add(new ChangeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), payload));
                        if (bytes > maxBytes) {
                            break; // the merge below keeps no more than this of one origin
                        }
                    }
                }
            }
        }
        all.sort(Comparator.comparing(ChangeRow::changeId));
        List<ChangeRow> out = new ArrayList<>();
        long bytes = 0;
        for (ChangeRow r : all) {
            bytes += r.payload().length;
            if (out.size() == limit || !out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(r);
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
        trimTombstones(c, db, beforeMs);
        try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_changelog WHERE created_at < ?")) {
            ps.setLong(1, beforeMs);
            return ps.executeUpdate();
        }
    }

    /** Tombstones read and deleted per page of {@link #trimTombstones}. */
    private static final int TRIM_PAGE = SqlReplicaTx.IN_CHUNK;

    /**
     * Deletes tombstone documents last written before {@code beforeMs}: read a page at a time in
     * primary-key order by plain reads, each page then deleted by primary key. One {@code DELETE
     * ... WHERE tombstone = 1} scans the whole table (no index serves it), and on MySQL and
     * MariaDB it locked every row it read until the trim committed, so that replication and every
     * key write waited for the scan.
     */
    private static void trimTombstones(Connection c, Jdbc db, long beforeMs) throws SQLException {
        String kind = "";
        String id = "";
        while (true) {
            List<String[]> page = new ArrayList<>();
            tombstones(c, db, page, "kind = ? AND object_id > ?", beforeMs, kind, id);
            if (page.size() < TRIM_PAGE) {
                tombstones(c, db, page, "kind > ?", beforeMs, kind);
            }
            if (page.isEmpty()) {
                return;
            }
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (String[] row : page) {
                byKind.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
            }
            for (Map.Entry<String, List<String>> e : byKind.entrySet()) {
                try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_repl_objects WHERE kind = ? AND "
                        + db.dialect.in("object_id", e.getValue().size()) + " AND tombstone = 1 AND updated_at < ?")) {
                    ps.setString(1, e.getKey());
                    ps.setLong(db.dialect.bindIn(ps, 2, e.getValue()), beforeMs);
                    ps.executeUpdate();
                }
            }
            kind = page.get(page.size() - 1)[0];
            id = page.get(page.size() - 1)[1];
        }
    }

    /** Adds to {@code page}, up to {@link #TRIM_PAGE} in all, the (kind, id) of old tombstones where {@code where}. */
    private static void tombstones(Connection c, Jdbc db, List<String[]> page, String where, long beforeMs, String... params)
            throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT kind, object_id FROM kw_repl_objects WHERE " + where
                + " AND tombstone = 1 AND updated_at < ? ORDER BY kind, object_id LIMIT " + (TRIM_PAGE - page.size()))) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.setLong(params.length + 1, beforeMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
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
