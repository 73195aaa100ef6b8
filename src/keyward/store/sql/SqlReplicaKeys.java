package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * Inserts many keys that are not stored yet, for replication's bulk paths (a refresh filling the
 * emptied tables, a consumer catching up on keys made elsewhere): one prepared statement per table
 * for the whole list, each a JDBC batch that the PostgreSQL and MySQL drivers send as multi-row
 * inserts. The rows are exactly those of {@link KeyWrites#insert} (same columns and values), so
 * {@link KeyReads} reads the keys back unchanged.
 */
final class SqlReplicaKeys {

    private static final String KEY = "INSERT INTO kw_keys (id, name, algorithm, state, state_before_destroy, owner,"
            + " exportable, primary_version, min_decryption_version, auto_rotate_period, created_at, updated_at,"
            + " rotated_at, destroy_at, rotate_at, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String VERSION = "INSERT INTO kw_key_versions (key_id, version, kid, kek_id, wrapped,"
            + " public_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String TAG = "INSERT INTO kw_key_tags (key_id, tag, pos) VALUES (?, ?, ?)";
    private static final String ATTRIBUTE = "INSERT INTO kw_key_attributes (key_id, name, value) VALUES (?, ?, ?)";
    private static final String GRANT = "INSERT INTO kw_key_grants (key_id, user_name, operations) VALUES (?, ?, ?)";

    private SqlReplicaKeys() {
    }

    /** Inserts {@code keys}, none of which may be stored yet nor hold a name already taken. */
    static void insert(Connection c, Jdbc db, List<KeyRecord> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        keys.forEach(Limits::key);
        try (PreparedStatement k = db.prepare(c, KEY)) {
            for (KeyRecord key : keys) {
                bindKey(k, key);
                k.addBatch();
            }
            k.executeBatch();
        }
        try (PreparedStatement v = db.prepare(c, VERSION); PreparedStatement t = db.prepare(c, TAG);
             PreparedStatement a = db.prepare(c, ATTRIBUTE); PreparedStatement g = db.prepare(c, GRANT)) {
            boolean[] used = new boolean[4];
            for (KeyRecord key : keys) {
                used[0] |= versions(v, key);
                used[1] |= tags(t, key);
                used[2] |= attributes(a, key);
                used[3] |= grants(g, key);
            }
            PreparedStatement[] all = {v, t, a, g};
            for (int i = 0; i < all.length; i++) {
                if (used[i]) {
                    all[i].executeBatch();
                }
            }
        }
    }

    private static void bindKey(PreparedStatement ps, KeyRecord k) throws SQLException {
        int i = 1;
        ps.setString(i++, k.id());
        Jdbc.setText(ps, i++, k.name());
        ps.setString(i++, k.algorithm());
        ps.setString(i++, k.state().wire());
        Jdbc.setText(ps, i++, k.stateBeforeDestroy() == null ? null : k.stateBeforeDestroy().wire());
        Jdbc.setText(ps, i++, k.owner());
        ps.setInt(i++, k.exportable() ? 1 : 0);
        ps.setInt(i++, k.primaryVersion());
        ps.setInt(i++, k.minDecryptionVersion());
        ps.setLong(i++, k.autoRotatePeriod());
        Jdbc.setInstant(ps, i++, k.createdAt());
        Jdbc.setInstant(ps, i++, k.updatedAt());
        Jdbc.setInstant(ps, i++, k.rotatedAt());
        Jdbc.setInstant(ps, i++, k.destroyAt());
        Long due = KeyWrites.rotateAt(k);
        if (due == null) {
            ps.setNull(i++, java.sql.Types.BIGINT);
        } else {
            ps.setLong(i++, due);
        }
        ps.setLong(i, k.rowVersion());
    }

    private static boolean versions(PreparedStatement ps, KeyRecord k) throws SQLException {
        for (KeyVersion v : k.versions()) {
            ps.setString(1, k.id());
            ps.setInt(2, v.version());
            ps.setInt(3, v.kid());
            ps.setString(4, v.kekId());
            Jdbc.setBytes(ps, 5, v.wrapped());
            Jdbc.setBytes(ps, 6, v.publicKey());
            Jdbc.setInstant(ps, 7, v.createdAt());
            ps.addBatch();
        }
        return !k.versions().isEmpty();
    }

    /** Tags keep their order; a repeated tag is stored once, at its first place (as {@link KeyWrites} does). */
    private static boolean tags(PreparedStatement ps, KeyRecord k) throws SQLException {
        List<String> tags = k.tags().stream().distinct().toList();
        for (int i = 0; i < tags.size(); i++) {
            ps.setString(1, k.id());
            ps.setString(2, tags.get(i));
            ps.setInt(3, i);
            ps.addBatch();
        }
        return !tags.isEmpty();
    }

    private static boolean attributes(PreparedStatement ps, KeyRecord k) throws SQLException {
        for (Map.Entry<String, String> e : k.attributes().entrySet()) {
            ps.setString(1, k.id());
            ps.setString(2, e.getKey());
            ps.setString(3, e.getValue());
            ps.addBatch();
        }
        return !k.attributes().isEmpty();
    }

    private static boolean grants(PreparedStatement ps, KeyRecord k) throws SQLException {
        for (Map.Entry<String, Set<Permission>> e : k.grants().entrySet()) {
            ps.setString(1, k.id());
            ps.setString(2, e.getKey());
            ps.setString(3, KeyReads.operations(e.getValue()));
            ps.addBatch();
        }
        return !k.grants().isEmpty();
    }
}
