package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.ReplicaTx;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import keyward.store.sql.BulkInsert.Column;

/** {@link ReplicaTx} on one connection inside a write transaction. SQL failures travel as {@link Failed}. */
final class SqlReplicaTx implements ReplicaTx {

    private static final List<Column> DOC_COLUMNS = List.of(Column.text("kind"), Column.text("object_id"),
            Column.bytes("doc"), Column.integer("tombstone"), Column.bigint("updated_at"));
    private static final List<Column> CHANGE_COLUMNS = List.of(Column.text("change_id"),
            Column.text("origin"), Column.text("kind"), Column.text("object_id"), Column.bytes("payload"),
            Column.bigint("created_at"));

    /** Carries an {@link SQLException} through the callback; {@link #run} unwraps it for {@link Jdbc}. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(SQLException e) {
            super(e);
        }

        SQLException sql() {
            return (SQLException) getCause();
        }
    }

    /** Most values bound in one IN list. */
    static final int IN_CHUNK = 500;

    private interface Step<T> {
        T run() throws SQLException;
    }

    private final Connection c;
    private final Jdbc db;
    private final KeyReads keyReads;
    private final KeyWrites keyWrites;
    private final Accounts accounts;

    SqlReplicaTx(Connection c, Jdbc db, KeyReads keyReads, KeyWrites keyWrites, Accounts accounts) {
        this.c = c;
        this.db = db;
        this.keyReads = keyReads;
        this.keyWrites = keyWrites;
        this.accounts = accounts;
    }

    /** Runs {@code work} on {@code tx}; a SQL failure inside leaves as that {@link SQLException}, for {@link Jdbc}. */
    static <T> T run(SqlReplicaTx tx, Function<? super SqlReplicaTx, T> work) throws SQLException {
        try {
            return work.apply(tx);
        } catch (Failed e) {
            throw e.sql();
        }
    }

    private static <T> T sql(Step<T> step) {
        try {
            return step.run();
        } catch (SQLException e) {
            throw new Failed(e);
        }
    }

    @Override
    public Optional<byte[]> doc(String kind, String objectId) {
        return sql(() -> {
            try (PreparedStatement ps = db.prepare(c, "SELECT doc FROM kw_repl_objects WHERE kind = ? AND object_id = ?")) {
                ps.setString(1, kind);
                ps.setString(2, objectId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    @Override
    public void putDoc(String kind, String objectId, byte[] doc, boolean tombstone, Instant at) {
        Limits.text("replication object id", objectId, Limits.NAME, false);
        Limits.bytes("replication document", doc, Limits.BLOB, false);
        String sql = db.dialect.upsert("kw_repl_objects", new String[] {"kind", "object_id"},
                new String[] {"doc", "tombstone", "updated_at"});
        sql(() -> {
            try (PreparedStatement ps = db.prepare(c, sql)) {
                ps.setString(1, kind);
                ps.setString(2, objectId);
                ps.setBytes(3, doc);
                ps.setInt(4, tombstone ? 1 : 0);
                ps.setLong(5, at.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<String> docIds(String kind) {
        return strings("SELECT object_id FROM kw_repl_objects WHERE kind = ?", kind);
    }

    /**
     * Two range reads on the primary key (the rest of {@code kind}, then the kinds after it), never
     * one OR-ed condition: that one scans and sorts the whole table for every page.
     */
    @Override
    public List<DocRow> docsAfter(String kind, String objectId, int limit) {
        return sql(() -> {
            List<DocRow> out = new ArrayList<>();
            docRows(out, "kind = ? AND object_id > ?", limit, kind, objectId);
            if (out.size() < limit) {
                docRows(out, "kind > ?", limit - out.size(), kind);
            }
            return out;
        });
    }

    private void docRows(List<DocRow> out, String where, int limit, String... params) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT kind, object_id, doc FROM kw_repl_objects WHERE " + where
                + " ORDER BY kind, object_id LIMIT " + limit)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DocRow(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
        }
    }

    @Override
    public Map<String, byte[]> docs(String kind, Collection<String> objectIds) {
        Map<String, byte[]> out = new HashMap<>();
        sql(() -> {
            for (List<String> chunk : chunks(objectIds)) {
                try (PreparedStatement ps = db.prepare(c, "SELECT object_id, doc FROM kw_repl_objects WHERE kind = ? AND "
                        + db.dialect.in("object_id", chunk.size()))) {
                    ps.setString(1, kind);
                    db.dialect.bindIn(ps, 2, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getBytes(2));
                        }
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** One batch; of an object named twice only the last document is written (a multi-row upsert takes a row once). */
    @Override
    public void putDocs(List<DocWrite> docs, Instant at) {
        Map<String, DocWrite> last = new LinkedHashMap<>();
        for (DocWrite d : docs) {
            Limits.text("replication object id", d.objectId(), Limits.NAME, false);
            Limits.bytes("replication document", d.doc(), Limits.BLOB, false);
            last.remove(d.kind() + "/" + d.objectId());
            last.put(d.kind() + "/" + d.objectId(), d);
        }
        if (last.isEmpty()) {
            return;
        }
        List<DocWrite> rows = List.copyOf(last.values());
        sql(() -> {
            BulkInsert.upsert(db, c, "kw_repl_objects", DOC_COLUMNS, 2, rows.size(), (i, values) -> {
                DocWrite d = rows.get(i);
                values[0] = d.kind();
                values[1] = d.objectId();
                values[2] = d.doc();
                values[3] = d.tombstone() ? 1 : 0;
                values[4] = at.toEpochMilli();
            });
            return null;
        });
    }

    @Override
    public Set<String> keysPresent(Collection<String> ids) {
        Set<String> out = new HashSet<>();
        eachRowOf("SELECT id FROM kw_keys WHERE ", "id", ids, rs -> out.add(rs.getString(1)));
        return out;
    }

    @Override
    public void insertKeys(List<KeyRecord> keys) {
        sql(() -> {
            if (!keys.isEmpty()) {
                new KeyBatches(db, keyReads).insert(c, keys);
            }
            return null;
        });
    }

    /** Up to {@link #IN_CHUNK} values per IN list (SQLite binds at most 32,766 parameters). */
    private static List<List<String>> chunks(Collection<String> values) {
        List<String> all = new ArrayList<>(new LinkedHashSet<>(values));
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += IN_CHUNK) {
            out.add(all.subList(i, Math.min(all.size(), i + IN_CHUNK)));
        }
        return out;
    }

    @Override
    public Optional<KeyRecord> key(String id) {
        return sql(() -> keyReads.complete(c, keyReads.rows(c, "SELECT " + KeyReads.COLUMNS + " FROM kw_keys k WHERE k.id = ?",
                List.of(id), 1)).stream().findFirst());
    }

    @Override
    public Optional<String> keyIdByName(String name) {
        return strings("SELECT id FROM kw_keys WHERE name = ?", name).stream().findFirst();
    }

    @Override
    public Map<String, String> keyIdsByName(Collection<String> names) {
        Map<String, String> out = new HashMap<>();
        eachRowOf("SELECT name, id FROM kw_keys WHERE ", "name", names, rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    private interface Row {
        void take(ResultSet rs) throws SQLException;
    }

    /** Runs {@code select} + "{@code column} IN (values)" a chunk of values at a time; hands each row to {@code row}. */
    private void eachRowOf(String select, String column, Collection<String> values, Row row) {
        sql(() -> {
            for (List<String> chunk : chunks(values)) {
                try (PreparedStatement ps = db.prepare(c, select + db.dialect.in(column, chunk.size()))) {
                    db.dialect.bindIn(ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            row.take(rs);
                        }
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<KeyRecord> keysWithoutDoc(String afterId, int limit) {
        return sql(() -> keyReads.complete(c, keyReads.rows(c, "SELECT " + KeyReads.COLUMNS + " FROM kw_keys k WHERE k.id > ?"
                + " AND NOT EXISTS (SELECT 1 FROM kw_repl_objects o WHERE o.kind = 'key' AND o.object_id = k.id)"
                + " ORDER BY k.id LIMIT " + limit, List.of(afterId), limit)));
    }

    @Override
    public List<String> keyIds() {
        return strings("SELECT id FROM kw_keys ORDER BY id", null);
    }

    @Override
    public void putKey(KeyRecord key) {
        sql(() -> {
            Long rowVersion = null;
            try (PreparedStatement ps = db.prepare(c, "SELECT row_version FROM kw_keys WHERE id = ?")) {
                ps.setString(1, key.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rowVersion = rs.getLong(1);
                    }
                }
            }
            if (rowVersion == null) {
                keyWrites.insert(c, key);
            } else {
                KeyRecord.Builder b = key.toBuilder();
                b.rowVersion = rowVersion;
                keyWrites.update(c, b.build());
            }
            return null;
        });
    }

    @Override
    public List<UserRecord> users() {
        return sql(() -> accounts.users(c));
    }

    @Override
    public void putUser(UserRecord user) {
        sql(() -> {
            accounts.removeUserRow(c, user.name());
            accounts.insertUser(c, user);
            return null;
        });
    }

    @Override
    public void removeUser(String name) {
        sql(() -> accounts.removeUserRow(c, name));
    }

    @Override
    public List<TokenRecord> tokens() {
        return sql(() -> accounts.allTokens(c));
    }

    @Override
    public void putToken(TokenRecord token) {
        sql(() -> {
            accounts.deleteToken(c, token.user(), token.id());
            accounts.insertToken(c, token);
            return null;
        });
    }

    @Override
    public void removeToken(String user, String tokenId) {
        sql(() -> accounts.deleteToken(c, user, tokenId));
    }

    @Override
    public void append(String changeId, String origin, String kind, String objectId, byte[] payload, Instant at) {
        Limits.bytes("change payload", payload, Limits.BLOB, false);
        sql(() -> {
            try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_changelog (change_id, origin, kind, object_id,"
                    + " payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, changeId);
                ps.setString(2, origin);
                ps.setString(3, kind);
                ps.setString(4, objectId);
                ps.setBytes(5, payload);
                ps.setLong(6, at.toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = db.prepare(c, "UPDATE kw_repl_vector SET change_id = ? WHERE origin = ? AND change_id < ?")) {
                ps.setString(1, changeId);
                ps.setString(2, origin);
                ps.setString(3, changeId);
                if (ps.executeUpdate() > 0) {
                    return null;
                }
            }
            if (!vector().containsKey(origin)) {
                try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_repl_vector (origin, change_id) VALUES (?, ?)")) {
                    ps.setString(1, origin);
                    ps.setString(2, changeId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** One batch of changelog rows; then each origin's vector entry moves once, to its highest change id. */
    @Override
    public void appendAll(List<ChangeRow> rows, Instant at) {
        if (rows.isEmpty()) {
            return;
        }
        Map<String, String> highest = new LinkedHashMap<>();
        for (ChangeRow r : rows) {
            Limits.bytes("change payload", r.payload(), Limits.BLOB, false);
            highest.merge(r.origin(), r.changeId(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        sql(() -> {
            BulkInsert.insert(db, c, "kw_changelog", CHANGE_COLUMNS, rows.size(), (i, values) -> {
                ChangeRow r = rows.get(i);
                values[0] = r.changeId();
                values[1] = r.origin();
                values[2] = r.kind();
                values[3] = r.objectId();
                values[4] = r.payload();
                values[5] = at.toEpochMilli();
            });
            Map<String, String> vector = null;
            for (Map.Entry<String, String> e : highest.entrySet()) {
                try (PreparedStatement ps = db.prepare(c, "UPDATE kw_repl_vector SET change_id = ? WHERE origin = ? AND change_id < ?")) {
                    ps.setString(1, e.getValue());
                    ps.setString(2, e.getKey());
                    ps.setString(3, e.getValue());
                    if (ps.executeUpdate() > 0) {
                        continue;
                    }
                }
                vector = vector != null ? vector : vector();
                if (!vector.containsKey(e.getKey())) {
                    try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_repl_vector (origin, change_id) VALUES (?, ?)")) {
                        ps.setString(1, e.getKey());
                        ps.setString(2, e.getValue());
                        ps.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public String lockOrigin(String origin) {
        return sql(() -> {
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement ps = db.prepare(c, "UPDATE kw_repl_vector SET change_id = change_id WHERE origin = ?")) {
                    ps.setString(1, origin);
                    if (ps.executeUpdate() > 0) {
                        break;
                    }
                }
                if (attempt > 0) {
                    throw new SQLException("replication: the vector entry of this node cannot be created");
                }
                try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_repl_vector (origin, change_id) VALUES (?, '0')")) {
                    ps.setString(1, origin);
                    ps.executeUpdate();
                    break;
                }
            }
            return vector().get(origin);
        });
    }

    @Override
    public Map<String, String> vector() {
        return sql(() -> Changelog.vector(c, db, "change_id"));
    }

    private List<String> strings(String sql, String param) {
        return sql(() -> {
            try (PreparedStatement ps = db.prepare(c, sql)) {
                if (param != null) {
                    ps.setString(1, param);
                }
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }
}
