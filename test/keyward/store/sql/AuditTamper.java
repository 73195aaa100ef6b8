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
 * The attacker of the audit tests: edits the entries of a SQLite file's audit blocks behind the
 * store's back, as someone with write access to the file could (the block is decoded, changed and
 * written back; its first and last seq columns are left as they were, since listings never read
 * them).
 */
public final class AuditTamper {
    private AuditTamper() {
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
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath())) {
            long base;
            try (PreparedStatement ps = c.prepareStatement("SELECT base FROM kw_audit_block_base");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                base = rs.getLong(1);
            }
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
