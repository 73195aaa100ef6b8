package keyward.store.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import keyward.store.AuditRecord;

/**
 * The attacker of the audit tests: someone with write access to a SQLite file but not to the data
 * dir (so without {@code audit.key}), editing the audit tables behind the store's back. Blocks are
 * decoded, changed and encoded again as the store would; {@link #rewrite} leaves a block's first
 * and last seq columns as they were (listings never read them), {@link #rechain} and
 * {@link #truncate} set them as the store would.
 */
public final class AuditTamper {
    private AuditTamper() {
    }

    /** How the attacker hashes an entry after {@code prevHash}: without the chain key, or under a guessed one. */
    public interface Rehash {
        byte[] hash(byte[] prevHash, AuditRecord entry);
    }

    /**
     * Applies {@code change} to each entry of {@code node} from seq {@code fromSeq} on, then gives
     * every one of them a fresh previous hash and hash with {@code rehash}, as an attacker covering
     * an edit would, and writes every changed block back.
     */
    public static void rechain(Path dbFile, String node, long fromSeq, UnaryOperator<AuditRecord> change, Rehash rehash)
            throws SQLException {
        try (Connection c = connect(dbFile)) {
            byte[] prev = null;
            for (Block b : blocks(c, node)) {
                List<AuditRecord> out = new ArrayList<>();
                for (AuditRecord a : b.entries) {
                    if (a.seq() < fromSeq) {
                        out.add(a);
                        prev = a.hash();
                        continue;
                    }
                    AuditRecord e = change.apply(a);
                    byte[] p = prev == null ? new byte[32] : prev;
                    AuditRecord linked = new AuditRecord(e.position(), e.node(), e.seq(), e.time(), e.user(), e.operation(),
                            e.keyRef(), e.outcome(), e.remote(), p, null);
                    byte[] hash = rehash.hash(p, linked);
                    out.add(new AuditRecord(e.position(), e.node(), e.seq(), e.time(), e.user(), e.operation(), e.keyRef(),
                            e.outcome(), e.remote(), p, hash));
                    prev = hash;
                }
                write(c, b.position, out);
            }
        }
    }

    /** Removes the entries of {@code node} from seq {@code fromSeq} on, and their checkpoints. */
    public static void truncate(Path dbFile, String node, long fromSeq) throws SQLException {
        try (Connection c = connect(dbFile)) {
            for (Block b : blocks(c, node)) {
                write(c, b.position, b.entries.stream().filter(a -> a.seq() < fromSeq).toList());
            }
        }
        deleteCheckpoints(dbFile, node, fromSeq, Long.MAX_VALUE);
    }

    /** Deletes the checkpoints of {@code node} with seqs {@code from..to}; returns how many. */
    public static int deleteCheckpoints(Path dbFile, String node, long from, long to) throws SQLException {
        return update(dbFile, "DELETE FROM kw_audit_checkpoints WHERE node = ? AND seq BETWEEN ? AND ?", node, from, to);
    }

    /** Empties every audit table. */
    public static void wipe(Path dbFile) throws SQLException {
        for (String table : new String[] {"kw_audit", "kw_audit_blocks", "kw_audit_checkpoints", "kw_audit_refs"}) {
            update(dbFile, "DELETE FROM " + table);
        }
    }

    /** Deletes the position ranges of one key ({@code kind} "key") or user ("user"); returns how many. */
    public static int deleteRefs(Path dbFile, String kind, String ref) throws SQLException {
        return update(dbFile, "DELETE FROM kw_audit_refs WHERE kind = ? AND ref = ?", kind, ref);
    }

    /** Deletes a node's mark, up to which its entries have ranges; returns how many rows went. */
    public static int deleteMark(Path dbFile, String node) throws SQLException {
        return deleteRefs(dbFile, "node", node);
    }

    private static int update(Path dbFile, String sql, Object... params) throws SQLException {
        try (Connection c = connect(dbFile); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private record Block(long position, List<AuditRecord> entries) {
    }

    /** Every block of {@code node}, decoded, in seq order. */
    private static List<Block> blocks(Connection c, String node) throws SQLException {
        long base = base(c);
        List<Block> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT position, data FROM kw_audit_blocks WHERE node = ?"
                + " ORDER BY first_seq")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long block = rs.getLong(1);
                    out.add(new Block(block, AuditBlock.decode(block, node, base + block * AuditBlock.MAX_ENTRIES,
                            rs.getBytes(2))));
                }
            }
        }
        return out;
    }

    /** Writes a block's entries back with its seq columns, or deletes it if none are left. */
    private static void write(Connection c, long block, List<AuditRecord> entries) throws SQLException {
        if (entries.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kw_audit_blocks WHERE position = ?")) {
                ps.setLong(1, block);
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE kw_audit_blocks SET data = ?, first_seq = ?, last_seq = ?"
                + " WHERE position = ?")) {
            ps.setBytes(1, AuditBlock.encode(entries));
            ps.setLong(2, entries.get(0).seq());
            ps.setLong(3, entries.get(entries.size() - 1).seq());
            ps.setLong(4, block);
            ps.executeUpdate();
        }
    }

    private static Connection connect(Path dbFile) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
    }

    private static long base(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT base FROM kw_audit_block_base");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Replaces the entry at {@code position} with {@code change}'s result; null removes it. */
    public static void rewrite(Path dbFile, long position, UnaryOperator<AuditRecord> change) throws SQLException {
        edit(dbFile, position, entries -> {
            int i = index(entries, position);
            AuditRecord changed = change.apply(entries.get(i));
            if (changed == null) {
                entries.remove(i);
            } else {
                entries.set(i, changed);
            }
        });
    }

    /** Swaps the whole entries at {@code a} and {@code b}, in one block or two. */
    public static void swap(Path dbFile, long a, long b) throws SQLException {
        AuditRecord[] was = new AuditRecord[2];
        rewrite(dbFile, a, r -> was[0] = r);
        rewrite(dbFile, b, r -> {
            was[1] = r;
            return was[0];
        });
        rewrite(dbFile, a, r -> was[1]);
    }

    private interface Edit {
        void apply(List<AuditRecord> entries);
    }

    private static int index(List<AuditRecord> entries, long position) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).position() == position) {
                return i;
            }
        }
        throw new IllegalArgumentException("no entry at position " + position + " in its block");
    }

    private static void edit(Path dbFile, long position, Edit edit) throws SQLException {
        try (Connection c = connect(dbFile)) {
            long base = base(c);
            long block = (position - base) / AuditBlock.MAX_ENTRIES;
            List<AuditRecord> entries;
            try (PreparedStatement ps = c.prepareStatement("SELECT node, data FROM kw_audit_blocks WHERE position = ?")) {
                ps.setLong(1, block);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no audit block holds position " + position);
                    }
                    entries = new ArrayList<>(AuditBlock.decode(block, rs.getString(1),
                            base + block * AuditBlock.MAX_ENTRIES, rs.getBytes(2)));
                }
            }
            edit.apply(entries);
            try (PreparedStatement ps = c.prepareStatement(entries.isEmpty()
                    ? "DELETE FROM kw_audit_blocks WHERE position = ?" : "UPDATE kw_audit_blocks SET data = ? WHERE position = ?")) {
                int at = 1;
                if (!entries.isEmpty()) {
                    ps.setBytes(at++, AuditBlock.encode(entries));
                }
                ps.setLong(at, block);
                ps.executeUpdate();
            }
        }
    }
}
