package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;
import keyward.store.StoreException;

/**
 * The audit entries stored since schema 4: a row of {@code kw_audit_blocks} per appended run of
 * one node's entries ({@link AuditBlock} encodes them). An entry's position is its block's first
 * position ({@link #firstPosition}) plus its index; every entry stored one per row before blocks
 * is below the base. Used by {@link AuditLog}, which keeps the key and user ranges, the older rows
 * and the checkpoints.
 */
final class AuditBlocks {

    private static final String INSERT_BLOCK = "INSERT INTO kw_audit_blocks (node, first_seq, last_seq, data)"
            + " VALUES (?, ?, ?, ?)";

    /** How many blocks one listing query reads at most. */
    private static final int BLOCKS_PER_QUERY = 8;

    /** Told each appended entry's position. */
    interface Placed {
        void at(AuditRecord entry, long position);
    }

    private final Jdbc db;
    private volatile long base = -1; // read once: see base()

    AuditBlocks(Jdbc db) {
        this.db = db;
    }

    /**
     * Stores {@code entries} in the order given as blocks: one per run of one node's entries with
     * rising seqs, of at most {@link AuditBlock#MAX_ENTRIES}. A run whose seqs meet ones its node
     * already has (in a block or from before blocks) is refused with ALREADY_EXISTS, which the
     * audit writer reads as another process writing under the same node name; two such processes
     * starting blocks at the same seq at once meet the unique (node, first_seq). Tells
     * {@code placed} each entry's position.
     */
    void insert(Connection c, List<AuditRecord> entries, Placed placed) throws SQLException {
        long base = base(c);
        try (PreparedStatement ps = db.prepare(c, INSERT_BLOCK);
             PreparedStatement inserted = db.prepare(c, "SELECT position FROM kw_audit_blocks WHERE node = ? AND first_seq = ?")) {
            int from = 0;
            while (from < entries.size()) {
                String node = entries.get(from).node();
                int to = from + 1;
                while (to < entries.size() && to - from < AuditBlock.MAX_ENTRIES && entries.get(to).node().equals(node)
                        && entries.get(to).seq() > entries.get(to - 1).seq()) {
                    to++;
                }
                List<AuditRecord> run = entries.subList(from, to);
                long first = run.get(0).seq();
                long last = run.get(run.size() - 1).seq();
                long[] before = lastBlockUpTo(c, node, last);
                if ((before != null && before[0] >= first) || storedBeforeBlocks(c, node, first, last)) {
                    throw new ConflictException(ConflictException.Kind.ALREADY_EXISTS,
                            "audit entry of node " + node + " with a seq already stored");
                }
                ps.setString(1, node);
                ps.setLong(2, first);
                ps.setLong(3, last);
                ps.setBytes(4, AuditBlock.encode(run));
                ps.executeUpdate();
                inserted.setString(1, node);
                inserted.setLong(2, first);
                long block;
                try (ResultSet rs = inserted.executeQuery()) {
                    rs.next();
                    block = rs.getLong(1);
                }
                if (before != null && before[1] >= block) {
                    // auto-increment values interleave across a cluster's servers (Galera); one that had
                    // not yet applied this node's last block could number the next one below it
                    throw new SQLException("audit block of node " + node + " numbered " + block + ", not after its previous"
                            + " block " + before[1] + "; the transaction runs again", "40001", 1213);
                }
                long position = firstPosition(base, block);
                for (AuditRecord a : run) {
                    placed.at(a, position++);
                }
                from = to;
            }
        }
    }

    /**
     * The last of {@code node}'s blocks that starts at or before seq {@code last}, as {last seq,
     * block number}, or null. Its blocks never overlap, so only this one can reach into a span
     * ending at {@code last}; for an append it is the node's previous block, whose number the new
     * block's must exceed (a node's entries rise in position with their seq: verify-audit walks
     * them so).
     */
    private long[] lastBlockUpTo(Connection c, String node, long last) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT last_seq, position FROM kw_audit_blocks WHERE node = ?"
                + " AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1")) {
            ps.setString(1, node);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    /** Whether {@code node} has an entry with a seq in {@code first..last} among the rows from before blocks. */
    private boolean storedBeforeBlocks(Connection c, String node, long first, long last) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT 1 FROM kw_audit WHERE node = ? AND seq BETWEEN ? AND ?")) {
            ps.setString(1, node);
            ps.setLong(2, first);
            ps.setLong(3, last);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The entries of {@code node}'s blocks that may hold seqs {@code from..to} (and perhaps a few
     * more around them), in order: a block holding {@code from} starts at most
     * {@link AuditBlock#MAX_ENTRIES} before it.
     */
    List<AuditRecord> ofNode(Connection c, String node, long from, long to) throws SQLException {
        return read(c, "SELECT position, node, data FROM kw_audit_blocks WHERE node = ? AND first_seq > ?"
                + " AND first_seq <= ? ORDER BY position", List.of(node, from - AuditBlock.MAX_ENTRIES, to));
    }

    /** The entries of the blocks {@code sql} selects (position, node, data), in its order. */
    private List<AuditRecord> read(Connection c, String sql, List<Object> params) throws SQLException {
        long base = base(c);
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepare(c, sql)) {
            KeyReads.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long block = rs.getLong(1);
                    out.addAll(AuditBlock.decode(block, rs.getString(2), firstPosition(base, block), rs.getBytes(3)));
                }
            }
        }
        return out;
    }

    /** Positions of entries in blocks start here; every entry stored before blocks is below it. */
    long base(Connection c) throws SQLException {
        long b = base;
        if (b < 0) {
            try (PreparedStatement ps = db.prepare(c, "SELECT base FROM kw_audit_block_base");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException(db.dialect.kind() + ": the audit block base is missing (schema 4)");
                }
                b = rs.getLong(1);
            }
            base = b;
        }
        return b;
    }

    /** The position of the first entry of block {@code block}: each block has room for {@link AuditBlock#MAX_ENTRIES}. */
    private static long firstPosition(long base, long block) {
        return base + block * AuditBlock.MAX_ENTRIES;
    }

    /** The block that holds (or would hold) the entry at {@code position}, not below 0. */
    private static long blockOf(long base, long position) {
        return position < base ? 0 : (position - base) / AuditBlock.MAX_ENTRIES;
    }

    /** The entries at positions {@code from..to} (all at or above the base), of {@code node} if not null. */
    List<AuditRecord> between(Connection c, long from, long to, String node) throws SQLException {
        long base = base(c);
        List<Object> params = new ArrayList<>(List.of(blockOf(base, from), blockOf(base, to)));
        if (node != null) {
            params.add(node);
        }
        return read(c, "SELECT position, node, data FROM kw_audit_blocks WHERE position BETWEEN ? AND ?"
                + (node != null ? " AND node = ?" : "") + " ORDER BY position", params).stream()
                .filter(a -> a.position() >= from && a.position() <= to).toList();
    }

    /** The entry with {@code node}'s highest seq among the blocks, if it has any. */
    Optional<AuditRecord> last(Connection c, String node) throws SQLException {
        List<AuditRecord> block = read(c, "SELECT position, node, data FROM kw_audit_blocks WHERE node = ?"
                + " ORDER BY first_seq DESC LIMIT 1", List.of(node));
        return block.isEmpty() ? Optional.empty() : Optional.of(block.get(block.size() - 1));
    }

    /** Whether {@code a} passes the query's node, key and user filters. */
    static boolean matches(AuditQuery q, AuditRecord a) {
        return (q.node() == null || q.node().equals(a.node())) && (q.keyRef() == null || q.keyRef().equals(a.keyRef()))
                && (q.user() == null || q.user().equals(a.user()));
    }

    /**
     * Adds to {@code out} (the entries stored before blocks, in order) those of blocks after the
     * query's cursor that pass its filters, a few blocks at a time, up to its limit.
     */
    List<AuditRecord> list(Connection c, AuditQuery q, List<AuditRecord> out) throws SQLException {
        long base = base(c);
        long next = blockOf(base, q.afterPosition());
        while (out.size() < q.limit()) {
            List<Object> params = new ArrayList<>(List.of(next));
            if (q.node() != null) {
                params.add(q.node());
            }
            long last = -1;
            int blocks = 0;
            try (PreparedStatement ps = db.prepare(c, "SELECT position, node, data FROM kw_audit_blocks WHERE position >= ?"
                    + (q.node() != null ? " AND node = ?" : "") + " ORDER BY position LIMIT " + BLOCKS_PER_QUERY)) {
                KeyReads.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && out.size() < q.limit()) {
                        last = rs.getLong(1);
                        blocks++;
                        for (AuditRecord a : AuditBlock.decode(last, rs.getString(2), firstPosition(base, last), rs.getBytes(3))) {
                            if (a.position() > q.afterPosition() && matches(q, a) && out.size() < q.limit()) {
                                out.add(a);
                            }
                        }
                    }
                }
            }
            if (blocks < BLOCKS_PER_QUERY) {
                break;
            }
            next = last + 1;
        }
        return out;
    }
}
