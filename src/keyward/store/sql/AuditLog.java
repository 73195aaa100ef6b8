package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;

/**
 * The audit entries (append-only, one hash chain per node) and their signed checkpoints. Entries
 * are stored a batch per row by {@link AuditBlocks}; those stored one per row before schema 4 stay
 * in {@code kw_audit}, below the blocks' positions. This class keeps the key and user ranges that
 * filtered listings read, each node's mark up to which they exist, and the checkpoints.
 */
final class AuditLog {

    private static final String COLUMNS = "SELECT position, node, seq, time_ms, user_name, operation, key_ref, outcome,"
            + " remote, prev_hash, hash FROM kw_audit";
    private static final int MAX_LIST = 10_000;

    /**
     * A node's entries get their key and user ranges once this many of them wait for ranges, or
     * once the first waiting one is {@link #RANGES_MAX_AGE_NANOS} old: not per batch, since a
     * batch naming many keys then wrote a row per key into a random page of the refs index each
     * time (30 µs per entry with 2,000 keys, `make bench-audit`). Listings scan the waiting tail
     * ({@link #listByRanges}).
     */
    static final int RANGES_EVERY = 16_384;
    static final long RANGES_MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    /**
     * The kind of a node's mark in kw_audit_refs: {@code ref} is the node, {@code last_position}
     * the last seq whose entry has its ranges. A node without one wrote ranges with every batch
     * (schema 3 before marks), so all of its entries have them.
     */
    private static final String MARK = "node";
    private static final String NEW_MARK = "INSERT INTO kw_audit_refs (kind, ref, first_position, last_position)"
            + " VALUES ('" + MARK + "', ?, 0, ?)";
    private static final String MOVE_MARK = "UPDATE kw_audit_refs SET last_position = ? WHERE kind = '" + MARK + "'"
            + " AND ref = ? AND last_position < ?";

    /** Per key and per user, the positions of a node's older rows in a seq range ({@link #writeRanges}). */
    private static final String RANGES = "INSERT INTO kw_audit_refs (kind, ref, first_position, last_position)"
            + " SELECT 'key', key_ref, MIN(position), MAX(position) FROM kw_audit"
            + " WHERE node = ? AND seq BETWEEN ? AND ? AND key_ref IS NOT NULL GROUP BY key_ref"
            + " UNION ALL SELECT 'user', user_name, MIN(position), MAX(position) FROM kw_audit"
            + " WHERE node = ? AND seq BETWEEN ? AND ? AND user_name IS NOT NULL GROUP BY user_name";
    /** How many position ranges one listing query scans at most. */
    private static final int RANGES_PER_QUERY = 32;

    /**
     * A node's mark as this process last stored or read it, since when entries after it wait, and
     * their key and user ranges if this process appended every one of them (else null: covering
     * them reads their blocks back).
     */
    private record Mark(long seq, long sinceNanos, Refs waiting) {
    }

    private final Jdbc db;
    private final Map<String, Mark> marks = new java.util.concurrent.ConcurrentHashMap<>();
    private final AuditBlocks blocks;

    AuditLog(Jdbc db) {
        this.db = db;
        this.blocks = new AuditBlocks(db);
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
        Map<String, long[]> seqs = seqRanges(entries);
        Map<String, Refs> batch = new HashMap<>();
        Map<String, Mark> next;
        try {
            next = db.write("appendAudit", c -> {
                batch.clear(); // a retried transaction starts over
                try {
                    blocks.insert(c, entries, (a, position) -> batch.computeIfAbsent(a.node(), n -> new Refs()).add(a, position));
                } catch (SQLException e) {
                    throw db.conflictIfUnique(e, ConflictException.Kind.ALREADY_EXISTS,
                            "audit entry of node " + entries.get(0).node() + " with a seq already stored");
                }
                Map<String, Mark> marked = new HashMap<>();
                for (Map.Entry<String, long[]> e : seqs.entrySet()) {
                    String node = e.getKey();
                    marked.put(node, coverIfDue(c, node, e.getValue()[0], e.getValue()[1], batch.get(node)));
                }
                if (checkpoint != null) {
                    writeCheckpoint(c, checkpoint);
                }
                return marked;
            });
        } catch (RuntimeException e) {
            // another writer's entries (a conflict), or a failure that may have come after the commit (a
            // connection lost with its answer, as when a cluster node goes away): this process no longer
            // knows what waits for ranges, so the next covering reads the blocks back
            seqs.keySet().forEach(marks::remove);
            throw e;
        }
        // only once committed: a covered node starts afresh, the others keep this batch's refs waiting
        for (Map.Entry<String, Mark> e : next.entrySet()) {
            Mark m = e.getValue();
            if (m.waiting() != null && m.waiting() != Refs.COVERED) {
                m.waiting().addAll(batch.get(e.getKey()));
            }
            marks.put(e.getKey(), m.waiting() == Refs.COVERED ? new Mark(m.seq(), m.sinceNanos(), new Refs()) : m);
        }
    }

    /** Per node among {@code entries}: its lowest and highest seq. */
    private static Map<String, long[]> seqRanges(List<AuditRecord> entries) {
        Map<String, long[]> seqs = new HashMap<>();
        for (AuditRecord a : entries) {
            long[] r = seqs.computeIfAbsent(a.node(), n -> new long[] {a.seq(), a.seq()});
            r[0] = Math.min(r[0], a.seq());
            r[1] = Math.max(r[1], a.seq());
        }
        return seqs;
    }

    /**
     * In the append's transaction, after its entries {@code lo..hi} of {@code node} (whose key and
     * user ranges are {@code batch}): when enough entries wait after the node's mark or the first
     * has waited long enough, writes the ranges of all of them and moves the mark to {@code hi}. A
     * node seen for the first time gets its mark just before {@code lo}. Returns the mark as it will
     * stand once committed, with {@link Refs#COVERED} if it moved.
     */
    private Mark coverIfDue(Connection c, String node, long lo, long hi, Refs batch) throws SQLException {
        Mark mark = marks.get(node);
        long now = System.nanoTime();
        if (mark == null) {
            Long stored = storedMarks(c, node).get(node);
            if (stored == null) {
                try (PreparedStatement ps = db.prepare(c, NEW_MARK)) {
                    ps.setString(1, node);
                    ps.setLong(2, lo - 1);
                    ps.executeUpdate();
                }
                stored = lo - 1;
            }
            // the refs of what waits are known only if nothing waits before this append
            mark = new Mark(stored, now, stored == lo - 1 ? new Refs() : null);
        }
        if (hi <= mark.seq() || (hi - mark.seq() < RANGES_EVERY && now - mark.sinceNanos() < RANGES_MAX_AGE_NANOS)) {
            return mark;
        }
        if (mark.waiting() != null) {
            Refs all = new Refs();
            all.addAll(mark.waiting());
            all.addAll(batch);
            insertRanges(c, all);
        } else {
            writeRanges(c, node, mark.seq() + 1, hi);
        }
        try (PreparedStatement ps = db.prepare(c, MOVE_MARK)) {
            ps.setLong(1, hi);
            ps.setString(2, node);
            ps.setLong(3, hi);
            ps.executeUpdate();
        }
        return new Mark(hi, now, Refs.COVERED);
    }

    /**
     * Per key and per user among some entries of a node: the first and last position of theirs.
     * Not thread-safe; a node's appends come one at a time from its audit writer.
     */
    private static final class Refs {
        /** Marks a node whose mark just moved: nothing waits. */
        static final Refs COVERED = new Refs();
        final Map<String, long[]> keys = new HashMap<>();
        final Map<String, long[]> users = new HashMap<>();

        void add(AuditRecord a, long position) {
            if (a.keyRef() != null) {
                widen(keys, a.keyRef(), position, position);
            }
            if (a.user() != null) {
                widen(users, a.user(), position, position);
            }
        }

        void addAll(Refs other) {
            if (other != null) {
                other.keys.forEach((ref, r) -> widen(keys, ref, r[0], r[1]));
                other.users.forEach((ref, r) -> widen(users, ref, r[0], r[1]));
            }
        }

        private static void widen(Map<String, long[]> m, String ref, long first, long last) {
            long[] r = m.get(ref);
            if (r == null) {
                m.put(ref, new long[] {first, last});
            } else {
                r[0] = Math.min(r[0], first);
                r[1] = Math.max(r[1], last);
            }
        }
    }

    /**
     * Stores, for each key and each user among the entries {@code from..to} of {@code node}, the
     * range of positions that holds theirs. A range may cover more than its ref's entries (listings
     * filter), never fewer.
     */
    private void writeRanges(Connection c, String node, long from, long to) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, RANGES)) { // entries stored before blocks
            for (int i = 0; i < 2; i++) {
                ps.setString(3 * i + 1, node);
                ps.setLong(3 * i + 2, from);
                ps.setLong(3 * i + 3, to);
            }
            ps.executeUpdate();
        }
        Refs refs = new Refs();
        for (AuditRecord a : blocks.ofNode(c, node, from, to)) {
            if (a.seq() >= from && a.seq() <= to) {
                refs.add(a, a.position());
            }
        }
        insertRanges(c, refs);
    }

    private void insertRanges(Connection c, Refs refs) throws SQLException {
        if (refs.keys.isEmpty() && refs.users.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_audit_refs (kind, ref, first_position, last_position)"
                + " VALUES (?, ?, ?, ?)")) {
            for (String kind : new String[] {"key", "user"}) {
                // in the index's order: each page of it is then visited once, in turn
                for (Map.Entry<String, long[]> e : new TreeMap<>(kind.equals("key") ? refs.keys : refs.users).entrySet()) {
                    ps.setString(1, kind);
                    ps.setString(2, e.getKey());
                    ps.setLong(3, e.getValue()[0]);
                    ps.setLong(4, e.getValue()[1]);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    List<AuditRecord> list(AuditQuery q) {
        if (q.limit() < 1 || q.limit() > MAX_LIST) {
            throw new IllegalArgumentException("audit limit must be 1.." + MAX_LIST);
        }
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        for (String[] f : new String[][] {{"node", q.node()}, {"key_ref", q.keyRef()}, {"user_name", q.user()}}) {
            if (f[1] != null) {
                where.append(" AND ").append(f[0]).append(" = ?");
                params.add(f[1]);
            }
        }
        if (q.keyRef() == null && q.user() == null) {
            List<Object> all = new ArrayList<>();
            all.add(q.afterPosition());
            all.addAll(params);
            String sql = COLUMNS + " WHERE position > ?" + where + " ORDER BY position LIMIT " + q.limit();
            return db.once("listAudit", false, c -> {
                List<AuditRecord> out = q.afterPosition() < blocks.base(c) ? entries(c, sql, all) : new ArrayList<>();
                return out.size() < q.limit() ? blocks.list(c, q, out) : out;
            });
        }
        String kind = q.keyRef() != null ? "key" : "user";
        String ref = q.keyRef() != null ? q.keyRef() : q.user();
        return db.once("listAudit", false, c -> listByRanges(c, q, kind, ref, where.toString(), params));
    }

    /**
     * A listing filtered by key or user. First each node's entries after its mark, which have no
     * ranges yet (at most {@link #RANGES_EVERY} or {@link #RANGES_MAX_AGE_NANOS}'s worth per node),
     * read through the (node, seq) index: before the ranges, since a mark only moves forward and
     * together with the ranges it covers. Then the ref's position ranges after the cursor, in order
     * of their first position, a few at a time until {@code limit} entries are found and no range
     * left can start before the last of them. Ranges of several nodes may overlap, and a tail may
     * meet ranges written meanwhile: entries are kept by position, once each.
     */
    private List<AuditRecord> listByRanges(Connection c, AuditQuery q, String kind, String ref, String where,
                                           List<Object> filters) throws SQLException {
        TreeMap<Long, AuditRecord> found = new TreeMap<>();
        for (Map.Entry<String, Long> mark : storedMarks(c, q.node()).entrySet()) {
            List<Object> params = new ArrayList<>(List.of(mark.getKey(), mark.getValue(), q.afterPosition()));
            params.addAll(filters);
            keep(found, entries(c, COLUMNS + " WHERE node = ? AND seq > ? AND position > ?" + where
                    + " ORDER BY position LIMIT " + q.limit(), params), q.limit());
            long after = mark.getValue();
            keep(found, blocks.ofNode(c, mark.getKey(), after + 1, Long.MAX_VALUE).stream()
                    .filter(a -> a.seq() > after && a.position() > q.afterPosition() && AuditBlocks.matches(q, a)).toList(),
                    q.limit());
        }
        long[] from = {Long.MIN_VALUE, Long.MIN_VALUE}; // keyset: (first, last) of the last range read
        while (true) {
            List<long[]> ranges = new ArrayList<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT first_position, last_position FROM kw_audit_refs"
                    + " WHERE kind = ? AND ref = ? AND last_position > ?"
                    + " AND (first_position > ? OR (first_position = ? AND last_position > ?))"
                    + " ORDER BY first_position, last_position LIMIT " + RANGES_PER_QUERY)) {
                KeyReads.bind(ps, List.of(kind, ref, q.afterPosition(), from[0], from[0], from[1]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long first = rs.getLong(1);
                        if (found.size() >= q.limit() && first > found.lastKey()) {
                            break; // every later range starts after the entries already found
                        }
                        ranges.add(new long[] {first, rs.getLong(2)});
                    }
                }
            }
            if (ranges.isEmpty()) {
                return new ArrayList<>(found.values());
            }
            from = ranges.get(ranges.size() - 1);
            long base = blocks.base(c);
            StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE position > ? AND (");
            List<Object> params = new ArrayList<>();
            params.add(q.afterPosition());
            for (long[] r : ranges) {
                if (r[0] < base) { // entries stored before blocks
                    sql.append(params.size() == 1 ? "" : " OR ").append("position BETWEEN ? AND ?");
                    params.add(r[0]);
                    params.add(Math.min(r[1], base - 1));
                }
                if (r[1] >= base && !(found.size() >= q.limit() && r[0] > found.lastKey())) {
                    keep(found, blocks.between(c, Math.max(r[0], base), r[1], q.node()).stream()
                            .filter(a -> a.position() > q.afterPosition() && AuditBlocks.matches(q, a)).toList(), q.limit());
                }
            }
            if (params.size() > 1) {
                sql.append(')').append(where).append(" ORDER BY position LIMIT ").append(q.limit());
                params.addAll(filters);
                keep(found, entries(c, sql.toString(), params), q.limit());
            }
        }
    }

    /** Adds {@code entries} to {@code found} by position and keeps the first {@code limit}. */
    private static void keep(TreeMap<Long, AuditRecord> found, List<AuditRecord> entries, int limit) {
        for (AuditRecord a : entries) {
            found.put(a.position(), a);
        }
        while (found.size() > limit) {
            found.pollLastEntry();
        }
    }

    /** Every node's mark (or only {@code node}'s, if not null), as stored. */
    private Map<String, Long> storedMarks(Connection c, String node) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement ps = db.prepare(c, "SELECT ref, last_position FROM kw_audit_refs WHERE kind = '" + MARK + "'"
                + (node == null ? "" : " AND ref = ?"))) {
            if (node != null) {
                ps.setString(1, node);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    Optional<AuditRecord> last(String node) {
        return db.once("lastAudit", false, c -> {
            Optional<AuditRecord> inBlock = blocks.last(c, node);
            if (inBlock.isPresent()) {
                return inBlock;
            }
            return entries(c, COLUMNS + " WHERE node = ? ORDER BY seq DESC LIMIT 1", List.of(node)).stream().findFirst();
        });
    }

    List<String> nodes() {
        return db.once("auditNodes", false, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT node FROM kw_audit UNION SELECT node FROM kw_audit_blocks"
                    + " ORDER BY node");
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
        return db.once("checkpoints", false, c -> checkpoints(c,
                "SELECT node, seq, hash, signature, time_ms FROM kw_audit_checkpoints WHERE node = ? ORDER BY seq", node));
    }

    /** Read through the primary key (node, seq): one short walk per node, never the entries. */
    List<AuditCheckpoint> newestCheckpoints() {
        return db.once("newestCheckpoints", false, c -> checkpoints(c, "SELECT c.node, c.seq, c.hash, c.signature, c.time_ms"
                + " FROM kw_audit_checkpoints c JOIN (SELECT node, MAX(seq) AS seq FROM kw_audit_checkpoints GROUP BY node) m"
                + " ON c.node = m.node AND c.seq = m.seq ORDER BY c.node", null));
    }

    private List<AuditCheckpoint> checkpoints(Connection c, String sql, String node) throws SQLException {
        List<AuditCheckpoint> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepare(c, sql)) {
            if (node != null) {
                ps.setString(1, node);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditCheckpoint(rs.getString(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4),
                            Jdbc.instant(rs, "time_ms")));
                }
            }
        }
        return out;
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
