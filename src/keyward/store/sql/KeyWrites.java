package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.ConflictException;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.sql.BulkInsert.Column;

/**
 * Writes keys: a key row and its children as one unit, inside the caller's write transaction.
 * An update is a compare-and-set on {@code row_version}.
 */
final class KeyWrites {

    static final String SET_COLUMNS = "name = ?, algorithm = ?, state = ?, state_before_destroy = ?, owner = ?,"
            + " exportable = ?, primary_version = ?, min_decryption_version = ?, auto_rotate_period = ?, created_at = ?,"
            + " updated_at = ?, rotated_at = ?, destroy_at = ?, rotate_at = ?";

    private final Jdbc db;
    private final KeyReads reads;

    KeyWrites(Jdbc db, KeyReads reads) {
        this.db = db;
        this.reads = reads;
    }

    void insert(Connection c, KeyRecord k) throws SQLException {
        Limits.key(k);
        try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_keys (id, name, algorithm, state, state_before_destroy,"
                + " owner, exportable, primary_version, min_decryption_version, auto_rotate_period, created_at, updated_at,"
                + " rotated_at, destroy_at, rotate_at, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, k.id());
            int i = bindColumns(ps, 2, k);
            ps.setLong(i, k.rowVersion());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!db.unique(e)) {
                throw e;
            }
            if (db.dialect.failedStatementAbortsTransaction()) {
                c.rollback(); // PostgreSQL accepts no further statement in a failed transaction
            }
            throw exists(c, k.id())
                    ? new ConflictException(ConflictException.Kind.ALREADY_EXISTS, "key " + k.id() + " already exists")
                    : nameTaken(k);
        }
        insertVersions(c, k.id(), k.versions());
        insertChildren(c, k);
    }

    /** Stores {@code k} if its row is still at {@code k.rowVersion()}; returns the stored copy. */
    KeyRecord update(Connection c, KeyRecord k) throws SQLException {
        Limits.key(k);
        try (PreparedStatement ps = db.prepare(c, "UPDATE kw_keys SET " + SET_COLUMNS
                + ", row_version = row_version + 1 WHERE id = ? AND row_version = ?")) {
            int i = bindColumns(ps, 1, k);
            ps.setString(i, k.id());
            ps.setLong(i + 1, k.rowVersion());
            if (ps.executeUpdate() != 1) {
                throw new ConflictException(ConflictException.Kind.STALE,
                        "key " + k.id() + " was changed by another writer (or is gone); read it again");
            }
        } catch (SQLException e) {
            if (db.unique(e)) {
                throw nameTaken(k);
            }
            throw e;
        }
        for (String table : new String[] {"kw_key_tags", "kw_key_attributes", "kw_key_grants"}) {
            try (PreparedStatement ps = db.prepare(c, "DELETE FROM " + table + " WHERE key_id = ?")) {
                ps.setString(1, k.id());
                ps.executeUpdate();
            }
        }
        insertChildren(c, k);
        updateVersions(c, k);
        KeyRecord.Builder stored = k.toBuilder();
        stored.rowVersion = k.rowVersion() + 1;
        return stored.build();
    }

    /** Inserts new versions, rewrites changed ones (material destroyed, rewrapped), deletes dropped ones. */
    private void updateVersions(Connection c, KeyRecord k) throws SQLException {
        Map<Integer, KeyVersion> old = reads.versions(c, k.id());
        List<KeyVersion> added = new ArrayList<>();
        List<KeyVersion> changed = new ArrayList<>();
        for (KeyVersion v : k.versions()) {
            KeyVersion was = old.remove(v.version());
            if (was == null) {
                added.add(v);
            } else if (!was.equals(v)) {
                changed.add(v);
            }
        }
        insertVersions(c, k.id(), added);
        if (!changed.isEmpty()) {
            try (PreparedStatement ps = db.prepare(c, "UPDATE kw_key_versions SET kid = ?, kek_id = ?, wrapped = ?,"
                    + " public_key = ?, created_at = ?, issued = ? WHERE key_id = ? AND version = ?")) {
                for (KeyVersion v : changed) {
                    ps.setInt(1, v.kid());
                    ps.setString(2, v.kekId());
                    Jdbc.setBytes(ps, 3, v.wrapped());
                    Jdbc.setBytes(ps, 4, v.publicKey());
                    Jdbc.setInstant(ps, 5, v.createdAt());
                    ps.setInt(6, v.issued());
                    ps.setString(7, k.id());
                    ps.setInt(8, v.version());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!old.isEmpty()) {
            try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_key_versions WHERE key_id = ? AND version = ?")) {
                for (int number : old.keySet()) {
                    ps.setString(1, k.id());
                    ps.setInt(2, number);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private void insertVersions(Connection c, String id, List<KeyVersion> versions) throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_key_versions (key_id, version, kid, kek_id, wrapped,"
                + " public_key, created_at, issued) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (KeyVersion v : versions) {
                ps.setString(1, id);
                ps.setInt(2, v.version());
                ps.setInt(3, v.kid());
                ps.setString(4, v.kekId());
                Jdbc.setBytes(ps, 5, v.wrapped());
                Jdbc.setBytes(ps, 6, v.publicKey());
                Jdbc.setInstant(ps, 7, v.createdAt());
                ps.setInt(8, v.issued());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Tags keep their order; a repeated tag is stored once, at its first place. */
    private void insertChildren(Connection c, KeyRecord k) throws SQLException {
        List<String> tags = k.tags().stream().distinct().toList();
        batch(c, "INSERT INTO kw_key_tags (key_id, tag, pos) VALUES (?, ?, ?)", tags.size(), (ps, i) -> {
            ps.setString(1, k.id());
            ps.setString(2, tags.get(i));
            ps.setInt(3, i);
        });
        List<Map.Entry<String, String>> attributes = List.copyOf(k.attributes().entrySet());
        batch(c, "INSERT INTO kw_key_attributes (key_id, name, value) VALUES (?, ?, ?)", attributes.size(), (ps, i) -> {
            ps.setString(1, k.id());
            ps.setString(2, attributes.get(i).getKey());
            ps.setString(3, attributes.get(i).getValue());
        });
        List<Map.Entry<String, Set<Permission>>> grants = List.copyOf(k.grants().entrySet());
        batch(c, "INSERT INTO kw_key_grants (key_id, user_name, operations) VALUES (?, ?, ?)", grants.size(), (ps, i) -> {
            ps.setString(1, k.id());
            ps.setString(2, grants.get(i).getKey());
            ps.setString(3, KeyReads.operations(grants.get(i).getValue()));
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps, int i) throws SQLException;
    }

    private void batch(Connection c, String sql, int n, Binder binder) throws SQLException {
        if (n == 0) {
            return;
        }
        try (PreparedStatement ps = db.prepare(c, sql)) {
            for (int i = 0; i < n; i++) {
                binder.bind(ps, i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The columns of {@link #SET_COLUMNS}, in order, with their types. */
    static final List<Column> COLUMNS = List.of(Column.text("name"), Column.text("algorithm"), Column.text("state"),
            Column.text("state_before_destroy"), Column.text("owner"), Column.integer("exportable"),
            Column.integer("primary_version"), Column.integer("min_decryption_version"), Column.bigint("auto_rotate_period"),
            Column.bigint("created_at"), Column.bigint("updated_at"), Column.bigint("rotated_at"), Column.bigint("destroy_at"),
            Column.bigint("rotate_at"));

    /** Puts the values of {@link #COLUMNS} for {@code k} into {@code values} from {@code first}. */
    static void values(KeyRecord k, Object[] values, int first) {
        int i = first;
        values[i++] = k.name();
        values[i++] = k.algorithm();
        values[i++] = k.state().wire();
        values[i++] = k.stateBeforeDestroy() == null ? null : k.stateBeforeDestroy().wire();
        values[i++] = k.owner();
        values[i++] = k.exportable() ? 1 : 0;
        values[i++] = k.primaryVersion();
        values[i++] = k.minDecryptionVersion();
        values[i++] = k.autoRotatePeriod();
        values[i++] = Jdbc.millis(k.createdAt());
        values[i++] = Jdbc.millis(k.updatedAt());
        values[i++] = Jdbc.millis(k.rotatedAt());
        values[i++] = Jdbc.millis(k.destroyAt());
        values[i] = rotateAt(k);
    }

    /** Binds the columns of {@link #SET_COLUMNS} from {@code first}; returns the next index. */
    static int bindColumns(PreparedStatement ps, int first, KeyRecord k) throws SQLException {
        Object[] values = new Object[COLUMNS.size()];
        values(k, values, 0);
        return BulkInsert.bindRow(ps, first, COLUMNS, values);
    }

    /** When auto-rotation is due: rotatedAt (or else createdAt) + period; null if never. Saturates. */
    static Long rotateAt(KeyRecord k) {
        Instant from = k.rotatedAt() != null ? k.rotatedAt() : k.createdAt();
        if (k.autoRotatePeriod() <= 0 || from == null) {
            return null;
        }
        long periodMs = k.autoRotatePeriod() > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : k.autoRotatePeriod() * 1000;
        long at = from.toEpochMilli() + periodMs;
        return ((from.toEpochMilli() ^ at) & (periodMs ^ at)) < 0 ? Long.MAX_VALUE : at;
    }

    private boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT 1 FROM kw_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static ConflictException nameTaken(KeyRecord k) {
        return new ConflictException(ConflictException.Kind.NAME_TAKEN, "key name '" + k.name() + "' is already taken");
    }
}
