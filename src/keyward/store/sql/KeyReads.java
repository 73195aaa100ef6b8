package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.StoreException;

/**
 * Reads keys: the {@code kw_keys} rows of a page, then their versions, tags, attributes and grants
 * in one batched query per child table (never one query per key). Callers run it inside one read
 * transaction so a key and its children come from the same snapshot.
 */
final class KeyReads {

    static final String COLUMNS = "k.id, k.name, k.algorithm, k.state, k.state_before_destroy, k.owner, k.exportable,"
            + " k.primary_version, k.min_decryption_version, k.auto_rotate_period, k.created_at, k.updated_at,"
            + " k.rotated_at, k.destroy_at, k.row_version";

    private final Jdbc db;

    KeyReads(Jdbc db) {
        this.db = db;
    }

    /** Runs a query over {@code kw_keys k} selecting {@link #COLUMNS}; returns at most {@code max} rows in order. */
    Map<String, KeyRecord.Builder> rows(Connection c, String sql, List<Object> params, int max) throws SQLException {
        Map<String, KeyRecord.Builder> out = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepare(c, sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() < max && rs.next()) {
                    KeyRecord.Builder b = new KeyRecord.Builder();
                    b.id = rs.getString("id");
                    b.name = rs.getString("name");
                    b.algorithm = rs.getString("algorithm");
                    b.state = state(rs.getString("state"));
                    String before = rs.getString("state_before_destroy");
                    b.stateBeforeDestroy = before == null ? null : state(before);
                    b.owner = rs.getString("owner");
                    b.exportable = rs.getInt("exportable") != 0;
                    b.primaryVersion = rs.getInt("primary_version");
                    b.minDecryptionVersion = rs.getInt("min_decryption_version");
                    b.autoRotatePeriod = rs.getLong("auto_rotate_period");
                    b.createdAt = Jdbc.instant(rs, "created_at");
                    b.updatedAt = Jdbc.instant(rs, "updated_at");
                    b.rotatedAt = Jdbc.instant(rs, "rotated_at");
                    b.destroyAt = Jdbc.instant(rs, "destroy_at");
                    b.rowVersion = rs.getLong("row_version");
                    out.put(b.id, b);
                }
            }
        }
        return out;
    }

    /**
     * The children of a set of keys in one round trip: versions, tags, attributes and grants as
     * one UNION ALL, told apart by {@code kind} and padded to the same columns (the versions' s2
     * repeats kek_id only to give the column a text type everywhere). Versions come in
     * version order and tags in their stored order ({@code n}).
     */
    private static final String CHILDREN = "SELECT 0 AS kind, key_id, version AS n, kid AS m, kek_id AS s1,"
            + " kek_id AS s2, wrapped AS b1, public_key AS b2, created_at AS t, issued AS i FROM kw_key_versions WHERE %1$s"
            + " UNION ALL SELECT 1, key_id, pos, NULL, tag, NULL, NULL, NULL, NULL, NULL FROM kw_key_tags WHERE %1$s"
            + " UNION ALL SELECT 2, key_id, NULL, NULL, name, value, NULL, NULL, NULL, NULL FROM kw_key_attributes WHERE %1$s"
            + " UNION ALL SELECT 3, key_id, NULL, NULL, user_name, operations, NULL, NULL, NULL, NULL FROM kw_key_grants"
            + " WHERE %1$s ORDER BY kind, key_id, n";

    /**
     * Completes the rows with their children and builds the records, in the rows' order. A
     * database across the network gets one round trip ({@link #CHILDREN}); SQLite, in process,
     * four plain queries, which it answers faster than the union it would have to sort.
     */
    List<KeyRecord> complete(Connection c, Map<String, KeyRecord.Builder> rows) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Children children = children(c, new ArrayList<>(rows.keySet()));
        List<KeyRecord> out = new ArrayList<>(rows.size());
        for (KeyRecord.Builder b : rows.values()) {
            b.versions = children.versions.getOrDefault(b.id, List.of());
            b.tags = children.tags.getOrDefault(b.id, List.of());
            b.attributes = children.attributes.getOrDefault(b.id, Map.of());
            b.grants = children.grants.getOrDefault(b.id, Map.of());
            out.add(b.build());
        }
        return out;
    }

    /** The stored versions (by number order), tags (in order), attributes and grants of some keys, by key id. */
    record Children(Map<String, List<KeyVersion>> versions, Map<String, List<String>> tags,
                    Map<String, Map<String, String>> attributes, Map<String, Map<String, Set<Permission>>> grants) {
    }

    /** The children of {@code ids} (not empty): four plain queries on SQLite, one union elsewhere. */
    Children children(Connection c, List<String> ids) throws SQLException {
        Map<String, List<KeyVersion>> versions = new HashMap<>();
        Map<String, List<String>> tags = new HashMap<>();
        Map<String, Map<String, String>> attributes = new HashMap<>();
        Map<String, Map<String, Set<Permission>>> grants = new HashMap<>();
        if (db.dialect.inProcess()) {
            String in = " WHERE " + db.dialect.in("key_id", ids.size());
            query(c, "SELECT key_id, version, kid, kek_id, wrapped, public_key, created_at, issued FROM kw_key_versions" + in
                    + " ORDER BY key_id, version", ids, rs -> versions.computeIfAbsent(rs.getString(1),
                    k -> new ArrayList<>()).add(version(rs)));
            query(c, "SELECT key_id, tag FROM kw_key_tags" + in + " ORDER BY key_id, pos", ids,
                    rs -> tags.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
            query(c, "SELECT key_id, name, value FROM kw_key_attributes" + in, ids, rs -> attributes.computeIfAbsent(
                    rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3)));
            query(c, "SELECT key_id, user_name, operations FROM kw_key_grants" + in, ids, rs -> grants.computeIfAbsent(
                    rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), operations(rs.getString(3))));
        } else {
            String sql = CHILDREN.formatted(db.dialect.in("key_id", ids.size()));
            try (PreparedStatement ps = db.prepare(c, sql)) {
                int at = 1;
                for (int i = 0; i < 4; i++) {
                    at = db.dialect.bindIn(ps, at, ids);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString("key_id");
                        switch (rs.getInt("kind")) {
                            case 0 -> versions.computeIfAbsent(id, k -> new ArrayList<>()).add(new KeyVersion(
                                    rs.getInt("n"), rs.getInt("m"), rs.getString("s1"), rs.getBytes("b1"),
                                    rs.getBytes("b2"), Jdbc.instant(rs, "t"), rs.getInt("i")));
                            case 1 -> tags.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString("s1"));
                            case 2 -> attributes.computeIfAbsent(id, k -> new HashMap<>()).put(rs.getString("s1"),
                                    rs.getString("s2"));
                            default -> grants.computeIfAbsent(id, k -> new HashMap<>()).put(rs.getString("s1"),
                                    operations(rs.getString("s2")));
                        }
                    }
                }
            }
        }
        return new Children(versions, tags, attributes, grants);
    }

    /** The stored versions of one key, by number (for the update's diff). */
    Map<Integer, KeyVersion> versions(Connection c, String id) throws SQLException {
        Map<Integer, KeyVersion> out = new HashMap<>();
        query(c, "SELECT key_id, version, kid, kek_id, wrapped, public_key, created_at, issued FROM kw_key_versions WHERE "
                + db.dialect.in("key_id", 1), List.of(id), rs -> out.put(rs.getInt(2), version(rs)));
        return out;
    }

    private static KeyVersion version(ResultSet rs) throws SQLException {
        return new KeyVersion(rs.getInt("version"), rs.getInt("kid"), rs.getString("kek_id"), rs.getBytes("wrapped"),
                rs.getBytes("public_key"), Jdbc.instant(rs, "created_at"), rs.getInt("issued"));
    }

    /** Grants are stored as the sorted operation names joined by commas. */
    static String operations(Set<Permission> ops) {
        return String.join(",", Permission.sortedNames(ops));
    }

    static Set<Permission> operations(String joined) {
        Set<Permission> out = new HashSet<>();
        for (String name : joined.isEmpty() ? new String[0] : joined.split(",")) {
            out.add(Permission.parse(name).orElseThrow(() -> new StoreException(Permission.unknown(name))));
        }
        return out;
    }

    private static KeyState state(String name) {
        return KeyState.parse(name).orElseThrow(() -> new StoreException(KeyState.unknown(name)));
    }

    interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Runs a query on the child rows of {@code ids} (one bound list). */
    private void query(Connection c, String sql, List<String> ids, RowConsumer each) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, sql)) {
            db.dialect.bindIn(ps, 1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(rs);
                }
            }
        }
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }
}
