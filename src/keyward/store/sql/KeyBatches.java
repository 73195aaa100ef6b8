package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.StoreException;
import keyward.store.sql.BulkInsert.Column;

/**
 * Bulk key writes (restore, migration, KEK rotation): many keys inside the caller's one write
 * transaction, each table written by one prepared-statement batch, which the drivers send as
 * multi-row statements ({@code reWriteBatchedInserts}, {@code rewriteBatchedStatements}). A chunk
 * of a thousand keys costs a handful of round trips instead of several per key. The rows are the
 * ones {@link KeyWrites} writes for each key alone.
 */
final class KeyBatches {

    private static final List<Column> KEY_COLUMNS = java.util.stream.Stream.of(List.of(Column.text("id")),
            KeyWrites.COLUMNS, List.of(Column.bigint("row_version"))).flatMap(List::stream).toList();
    private static final List<Column> VERSION_COLUMNS = List.of(Column.text("key_id"),
            Column.integer("version"), Column.integer("kid"), Column.text("kek_id"), Column.bytes("wrapped"),
            Column.bytes("public_key"), Column.bigint("created_at"), Column.integer("issued"));
    private static final String[] CHILDREN = {"kw_key_tags", "kw_key_attributes", "kw_key_grants"};

    private final Jdbc db;
    private final KeyReads reads;

    KeyBatches(Jdbc db, KeyReads reads) {
        this.db = db;
        this.reads = reads;
    }

    /** Inserts every key; a unique violation (id or name) fails the batch with its SQLException. */
    void insert(Connection c, List<KeyRecord> keys) throws SQLException {
        keys.forEach(Limits::key);
        BulkInsert.insert(db, c, "kw_keys", KEY_COLUMNS, keys.size(), (i, values) -> {
            KeyRecord k = keys.get(i);
            values[0] = k.id();
            KeyWrites.values(k, values, 1);
            values[values.length - 1] = k.rowVersion();
        });
        List<Owned<KeyVersion>> versions = new ArrayList<>();
        keys.forEach(k -> k.versions().forEach(v -> versions.add(new Owned<>(k.id(), v))));
        insertVersions(c, versions);
        insertChildren(c, keys, keys, keys);
    }

    /**
     * Stores each key whose row is still at its {@code rowVersion}, with rowVersion + 1; returns the
     * stored copies, in order. The others are left untouched. Child rows are compared with the
     * stored ones (one read) and only what differs is written: a KEK rotation or a replicated
     * rotation rewrites versions, not the tags, attributes and grants of a million keys.
     */
    List<KeyRecord> update(Connection c, List<KeyRecord> keys) throws SQLException {
        keys.forEach(Limits::key);
        int[] counts = batch(c, "UPDATE kw_keys SET " + KeyWrites.SET_COLUMNS
                + ", row_version = row_version + 1 WHERE id = ? AND row_version = ?", keys.size(), (ps, i) -> {
                    KeyRecord k = keys.get(i);
                    int at = KeyWrites.bindColumns(ps, 1, k);
                    ps.setString(at, k.id());
                    ps.setLong(at + 1, k.rowVersion());
                });
        List<KeyRecord> written = counted(keys, counts);
        if (written.isEmpty()) {
            return List.of();
        }
        KeyReads.Children old = reads.children(c, written.stream().map(KeyRecord::id).toList());
        List<KeyRecord> newTags = written.stream()
                .filter(k -> !k.tags().stream().distinct().toList().equals(old.tags().getOrDefault(k.id(), List.of()))).toList();
        List<KeyRecord> newAttributes = written.stream()
                .filter(k -> !k.attributes().equals(old.attributes().getOrDefault(k.id(), Map.of()))).toList();
        List<KeyRecord> newGrants = written.stream()
                .filter(k -> !k.grants().equals(old.grants().getOrDefault(k.id(), Map.of()))).toList();
        deleteChildren(c, CHILDREN[0], newTags);
        deleteChildren(c, CHILDREN[1], newAttributes);
        deleteChildren(c, CHILDREN[2], newGrants);
        insertChildren(c, newTags, newAttributes, newGrants);
        updateVersions(c, written, old.versions());
        return written.stream().map(KeyBatches::nextRowVersion).toList();
    }

    /** The keys whose row a batched compare-and-set updated ({@code counts}: the batch's update counts). */
    private List<KeyRecord> counted(List<KeyRecord> keys, int[] counts) {
        List<KeyRecord> written = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (counts[i] < 0) { // Statement.SUCCESS_NO_INFO or EXECUTE_FAILED
                throw new StoreException(db.dialect.kind() + ": the driver did not count the rows of a batched update;"
                        + " remove rewriteBatchedStatements from the database options", null);
            }
            if (counts[i] == 1) {
                written.add(keys.get(i));
            }
        }
        return written;
    }

    /** {@code k} as stored by a compare-and-set: at the next row version. */
    private static KeyRecord nextRowVersion(KeyRecord k) {
        KeyRecord.Builder b = k.toBuilder();
        b.rowVersion = k.rowVersion() + 1;
        return b.build();
    }

    /**
     * {@link #update} for keys whose versions changed only in KEK and wrapped material: bumps the
     * row version of each key still at its {@code rowVersion} and writes those two columns of its
     * versions; returns the stored copies. Nothing else of the key is written.
     */
    List<KeyRecord> rewrap(Connection c, List<KeyRecord> keys) throws SQLException {
        if (db.dialect.updatesFromArrays()) {
            return rewrapFromArrays(c, keys);
        }
        if (db.dialect.updatesByUpsert()) {
            return rewrapByUpsert(c, keys);
        }
        int[] counts = batch(c, "UPDATE kw_keys SET row_version = row_version + 1 WHERE id = ? AND row_version = ?",
                keys.size(), (ps, i) -> {
                    ps.setString(1, keys.get(i).id());
                    ps.setLong(2, keys.get(i).rowVersion());
                });
        List<KeyRecord> written = counted(keys, counts);
        List<Owned<KeyVersion>> versions = liveVersions(written);
        batch(c, "UPDATE kw_key_versions SET kek_id = ?, wrapped = ? WHERE key_id = ? AND version = ?", versions.size(),
                (ps, i) -> {
                    KeyVersion v = versions.get(i).value();
                    ps.setString(1, v.kekId());
                    Jdbc.setBytes(ps, 2, v.wrapped());
                    ps.setString(3, versions.get(i).keyId());
                    ps.setInt(4, v.version());
                });
        return written.stream().map(KeyBatches::nextRowVersion).toList();
    }

    /** The versions of {@code keys} that hold material, each with its key. */
    private static List<Owned<KeyVersion>> liveVersions(List<KeyRecord> keys) {
        List<Owned<KeyVersion>> out = new ArrayList<>();
        keys.forEach(k -> k.versions().stream().filter(v -> !v.destroyed()).forEach(v -> out.add(new Owned<>(k.id(), v))));
        return out;
    }

    /** {@link #rewrap} in two statements over array parameters (PostgreSQL). */
    private List<KeyRecord> rewrapFromArrays(Connection c, List<KeyRecord> keys) throws SQLException {
        java.util.Set<String> bumped = new java.util.HashSet<>();
        try (PreparedStatement ps = db.prepare(c, "UPDATE kw_keys k SET row_version = k.row_version + 1"
                + " FROM unnest(?::varchar[], ?::int8[]) AS u(id, rv) WHERE k.id = u.id AND k.row_version = u.rv"
                + " RETURNING k.id")) {
            ps.setArray(1, c.createArrayOf("varchar", keys.stream().map(KeyRecord::id).toArray(String[]::new)));
            ps.setArray(2, c.createArrayOf("int8", keys.stream().map(KeyRecord::rowVersion).toArray(Long[]::new)));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    bumped.add(rs.getString(1));
                }
            }
        }
        List<KeyRecord> written = keys.stream().filter(k -> bumped.contains(k.id())).toList();
        List<Owned<KeyVersion>> versions = liveVersions(written);
        if (!versions.isEmpty()) {
            try (PreparedStatement ps = db.prepare(c, "UPDATE kw_key_versions v SET kek_id = u.kek, wrapped = u.w"
                    + " FROM unnest(?::varchar[], ?::int4[], ?::varchar[], ?::bytea[]) AS u(id, n, kek, w)"
                    + " WHERE v.key_id = u.id AND v.version = u.n")) {
                ps.setArray(1, c.createArrayOf("varchar", versions.stream().map(Owned::keyId).toArray(String[]::new)));
                ps.setArray(2, c.createArrayOf("int4", versions.stream().map(o -> o.value().version()).toArray(Integer[]::new)));
                ps.setArray(3, c.createArrayOf("varchar", versions.stream().map(o -> o.value().kekId()).toArray(String[]::new)));
                ps.setArray(4, c.createArrayOf("bytea", versions.stream().map(o -> o.value().wrapped()).toArray(byte[][]::new)));
                ps.executeUpdate();
            }
        }
        return written.stream().map(KeyBatches::nextRowVersion).toList();
    }

    /**
     * {@link #rewrap} in three statements (MySQL, MariaDB): the key rows are locked and read, those
     * still at their row version bumped in one {@code UPDATE ... IN}, and their versions written by
     * one multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE}. Every version row is there (the
     * locked row version says the key is as read), so the insert only ever updates.
     */
    private List<KeyRecord> rewrapByUpsert(Connection c, List<KeyRecord> keys) throws SQLException {
        Map<String, Long> stored = new HashMap<>();
        List<String> ids = keys.stream().map(KeyRecord::id).toList();
        try (PreparedStatement ps = db.prepare(c, "SELECT id, row_version FROM kw_keys WHERE "
                + db.dialect.in("id", ids.size()) + " FOR UPDATE")) {
            db.dialect.bindIn(ps, 1, ids);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<KeyRecord> written = keys.stream().filter(k -> Long.valueOf(k.rowVersion()).equals(stored.get(k.id()))).toList();
        if (written.isEmpty()) {
            return List.of();
        }
        List<String> bumped = written.stream().map(KeyRecord::id).toList();
        try (PreparedStatement ps = db.prepare(c, "UPDATE kw_keys SET row_version = row_version + 1 WHERE "
                + db.dialect.in("id", bumped.size()))) {
            db.dialect.bindIn(ps, 1, bumped);
            ps.executeUpdate();
        }
        List<Owned<KeyVersion>> versions = liveVersions(written);
        BulkInsert.upsert(db, c, "kw_key_versions", VERSION_COLUMNS, 2, versions.size(),
                (i, values) -> versionValues(versions.get(i), values));
        return written.stream().map(KeyBatches::nextRowVersion).toList();
    }

    /** A child row and the key it belongs to. */
    private record Owned<T>(String keyId, T value) {
    }

    private void deleteChildren(Connection c, String table, List<KeyRecord> keys) throws SQLException {
        batch(c, "DELETE FROM " + table + " WHERE key_id = ?", keys.size(), (ps, i) -> ps.setString(1, keys.get(i).id()));
    }

    /**
     * As {@link KeyWrites}: inserts new versions, rewrites changed ones, deletes dropped ones; one
     * batch each. {@code stored}: the versions stored now, by key.
     */
    private void updateVersions(Connection c, List<KeyRecord> keys, Map<String, List<KeyVersion>> stored)
            throws SQLException {
        List<Owned<KeyVersion>> added = new ArrayList<>();
        List<Owned<KeyVersion>> changed = new ArrayList<>();
        List<Owned<Integer>> dropped = new ArrayList<>();
        for (KeyRecord k : keys) {
            Map<Integer, KeyVersion> was = new HashMap<>();
            stored.getOrDefault(k.id(), List.of()).forEach(v -> was.put(v.version(), v));
            for (KeyVersion v : k.versions()) {
                KeyVersion before = was.remove(v.version());
                if (before == null) {
                    added.add(new Owned<>(k.id(), v));
                } else if (!before.equals(v)) {
                    changed.add(new Owned<>(k.id(), v));
                }
            }
            was.keySet().forEach(n -> dropped.add(new Owned<>(k.id(), n)));
        }
        insertVersions(c, added);
        batch(c, "UPDATE kw_key_versions SET kid = ?, kek_id = ?, wrapped = ?, public_key = ?, created_at = ?, issued = ?"
                + " WHERE key_id = ? AND version = ?", changed.size(), (ps, i) -> {
                    KeyVersion v = changed.get(i).value();
                    ps.setInt(1, v.kid());
                    ps.setString(2, v.kekId());
                    Jdbc.setBytes(ps, 3, v.wrapped());
                    Jdbc.setBytes(ps, 4, v.publicKey());
                    Jdbc.setInstant(ps, 5, v.createdAt());
                    ps.setInt(6, v.issued());
                    ps.setString(7, changed.get(i).keyId());
                    ps.setInt(8, v.version());
                });
        batch(c, "DELETE FROM kw_key_versions WHERE key_id = ? AND version = ?", dropped.size(), (ps, i) -> {
            ps.setString(1, dropped.get(i).keyId());
            ps.setInt(2, dropped.get(i).value());
        });
    }

    private void insertVersions(Connection c, List<Owned<KeyVersion>> versions) throws SQLException {
        BulkInsert.insert(db, c, "kw_key_versions", VERSION_COLUMNS, versions.size(),
                (i, values) -> versionValues(versions.get(i), values));
    }

    /** The values of {@link #VERSION_COLUMNS} for {@code v}. */
    private static void versionValues(Owned<KeyVersion> owned, Object[] values) {
        KeyVersion v = owned.value();
        values[0] = owned.keyId();
        values[1] = v.version();
        values[2] = v.kid();
        values[3] = v.kekId();
        values[4] = v.wrapped();
        values[5] = v.publicKey();
        values[6] = Jdbc.millis(v.createdAt());
        values[7] = v.issued();
    }

    /**
     * The tags of {@code tagged}, the attributes of {@code attributed}, the grants of
     * {@code granted}. Tags keep their order; a repeated tag is stored once, at its first place
     * (as {@link KeyWrites} does).
     */
    private void insertChildren(Connection c, List<KeyRecord> tagged, List<KeyRecord> attributed,
                                List<KeyRecord> granted) throws SQLException {
        List<Owned<String>> tags = new ArrayList<>();
        List<Owned<Map.Entry<String, String>>> attributes = new ArrayList<>();
        List<Owned<Map.Entry<String, Set<Permission>>>> grants = new ArrayList<>();
        tagged.forEach(k -> k.tags().stream().distinct().forEach(t -> tags.add(new Owned<>(k.id(), t))));
        attributed.forEach(k -> k.attributes().entrySet().forEach(a -> attributes.add(new Owned<>(k.id(), a))));
        granted.forEach(k -> k.grants().entrySet().forEach(g -> grants.add(new Owned<>(k.id(), g))));
        Map<String, Integer> positions = new LinkedHashMap<>();
        BulkInsert.insert(db, c, "kw_key_tags", List.of(Column.text("key_id"), Column.text("tag"), Column.integer("pos")),
                tags.size(), (i, values) -> {
                    values[0] = tags.get(i).keyId();
                    values[1] = tags.get(i).value();
                    values[2] = positions.merge(tags.get(i).keyId(), 1, Integer::sum) - 1;
                });
        BulkInsert.insert(db, c, "kw_key_attributes", List.of(Column.text("key_id"), Column.text("name"),
                Column.text("value")), attributes.size(), (i, values) -> {
                    values[0] = attributes.get(i).keyId();
                    values[1] = attributes.get(i).value().getKey();
                    values[2] = attributes.get(i).value().getValue();
                });
        BulkInsert.insert(db, c, "kw_key_grants", List.of(Column.text("key_id"), Column.text("user_name"),
                Column.text("operations")), grants.size(), (i, values) -> {
                    values[0] = grants.get(i).keyId();
                    values[1] = grants.get(i).value().getKey();
                    values[2] = KeyReads.operations(grants.get(i).value().getValue());
                });
    }

    private interface Binder {
        void bind(PreparedStatement ps, int i) throws SQLException;
    }

    /** One prepared statement, {@code n} parameter sets, one execution; returns the update counts. */
    private int[] batch(Connection c, String sql, int n, Binder binder) throws SQLException {
        if (n == 0) {
            return new int[0];
        }
        try (PreparedStatement ps = db.prepare(c, sql)) {
            for (int i = 0; i < n; i++) {
                binder.bind(ps, i);
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }
}
