package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;

/** The audit entries (append-only, one hash chain per node) and their signed checkpoints. */
final class AuditLog {

    private static final String COLUMNS = "SELECT position, node, seq, time_ms, user_name, operation, key_ref, outcome,"
            + " remote, prev_hash, hash FROM kw_audit";
    private static final int MAX_LIST = 10_000;

    private final Jdbc db;

    AuditLog(Jdbc db) {
        this.db = db;
    }

    /** One transaction: all entries (and the checkpoint, if any) or none; positions follow the order given. */
    void append(List<AuditRecord> entries, AuditCheckpoint checkpoint) {
        if (entries.isEmpty()) {
            if (checkpoint != null) {
                putCheckpoint(checkpoint);
            }
            return;
        }
        entries.forEach(AuditLog::check);
        if (checkpoint != null) {
            checkCheckpoint(checkpoint);
        }
        db.write("appendAudit", c -> {
            try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_audit (node, seq, time_ms, user_name, operation,"
                    + " key_ref, outcome, remote, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditRecord a : entries) {
                    ps.setString(1, a.node());
                    ps.setLong(2, a.seq());
                    ps.setLong(3, a.time().toEpochMilli());
                    Jdbc.setText(ps, 4, a.user());
                    ps.setString(5, a.operation());
                    Jdbc.setText(ps, 6, a.keyRef());
                    ps.setString(7, a.outcome());
                    Jdbc.setText(ps, 8, a.remote());
                    Jdbc.setBytes(ps, 9, a.prevHash());
                    ps.setBytes(10, a.hash());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw db.conflictIfUnique(e, ConflictException.Kind.ALREADY_EXISTS,
                        "audit entry of node " + entries.get(0).node() + " with a seq already stored");
            }
            if (checkpoint != null) {
                writeCheckpoint(c, checkpoint);
            }
            return null;
        });
    }

    List<AuditRecord> list(AuditQuery q) {
        if (q.limit() < 1 || q.limit() > MAX_LIST) {
            throw new IllegalArgumentException("audit limit must be 1.." + MAX_LIST);
        }
        StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE position > ?");
        List<Object> params = new ArrayList<>();
        params.add(q.afterPosition());
        for (String[] f : new String[][] {{"node", q.node()}, {"key_ref", q.keyRef()}, {"user_name", q.user()}}) {
            if (f[1] != null) {
                sql.append(" AND ").append(f[0]).append(" = ?");
                params.add(f[1]);
            }
        }
        sql.append(" ORDER BY position LIMIT ").append(q.limit());
        return db.once("listAudit", false, c -> entries(c, sql.toString(), params));
    }

    Optional<AuditRecord> last(String node) {
        return db.once("lastAudit", false,
                c -> entries(c, COLUMNS + " WHERE node = ? ORDER BY seq DESC LIMIT 1", List.of(node))).stream().findFirst();
    }

    List<String> nodes() {
        return db.once("auditNodes", false, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT DISTINCT node FROM kw_audit ORDER BY node");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    void putCheckpoint(AuditCheckpoint cp) {
        checkCheckpoint(cp);
        db.once("putCheckpoint", true, c -> writeCheckpoint(c, cp));
    }

    private static void checkCheckpoint(AuditCheckpoint cp) {
        Limits.text("checkpoint node", cp.node(), Limits.NAME, false);
        Limits.bytes("checkpoint hash", cp.hash(), Limits.HASH, false);
        Limits.bytes("checkpoint signature", cp.signature(), Limits.HASH * 4, false);
    }

    private int writeCheckpoint(Connection c, AuditCheckpoint cp) throws SQLException {
        String sql = db.dialect.upsert("kw_audit_checkpoints", new String[] {"node", "seq"},
                new String[] {"hash", "signature", "time_ms"});
        try (PreparedStatement ps = db.prepare(c, sql)) {
            ps.setString(1, cp.node());
            ps.setLong(2, cp.seq());
            ps.setBytes(3, cp.hash());
            ps.setBytes(4, cp.signature());
            ps.setLong(5, cp.time().toEpochMilli());
            return ps.executeUpdate();
        }
    }

    List<AuditCheckpoint> checkpoints(String node) {
        return db.once("checkpoints", false, c -> {
            List<AuditCheckpoint> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepare(c,
                    "SELECT node, seq, hash, signature, time_ms FROM kw_audit_checkpoints WHERE node = ? ORDER BY seq")) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditCheckpoint(rs.getString(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4),
                                Jdbc.instant(rs, "time_ms")));
                    }
                }
            }
            return out;
        });
    }

    private List<AuditRecord> entries(Connection c, String sql, List<Object> params) throws SQLException {
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepare(c, sql)) {
            KeyReads.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditRecord(rs.getLong("position"), rs.getString("node"), rs.getLong("seq"),
                            Jdbc.instant(rs, "time_ms"), rs.getString("user_name"), rs.getString("operation"),
                            rs.getString("key_ref"), rs.getString("outcome"), rs.getString("remote"),
                            rs.getBytes("prev_hash"), rs.getBytes("hash")));
                }
            }
        }
        return out;
    }

    private static void check(AuditRecord a) {
        Limits.text("audit node", a.node(), Limits.NAME, false);
        if (a.time() == null) {
            throw new IllegalArgumentException(at(a) + "time is required");
        }
        try {
            Limits.text("user", a.user(), Limits.NAME, true);
            Limits.text("operation", a.operation(), Limits.NAME, false);
            Limits.text("key reference", a.keyRef(), Limits.NAME, true);
            Limits.text("outcome", a.outcome(), Limits.NAME, false);
            Limits.text("remote address", a.remote(), Limits.NAME, true);
            Limits.bytes("previous hash", a.prevHash(), Limits.HASH, true);
            Limits.bytes("hash", a.hash(), Limits.HASH, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at(a) + e.getMessage(), e);
        }
    }

    /** Names the entry in a message; built only on failure (every entry is checked). */
    private static String at(AuditRecord a) {
        return "audit entry " + a.node() + "/" + a.seq() + ": ";
    }
}
