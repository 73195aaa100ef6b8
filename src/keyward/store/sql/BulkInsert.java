package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Many rows into one table, inside the caller's transaction. On PostgreSQL one statement over one
 * array parameter per column ({@code INSERT ... SELECT * FROM unnest(...)}): planned once, its
 * values sent as arrays, about three times faster than the driver's multi-row rewrite of a batch.
 * On MySQL and MariaDB multi-row statements of literals written here: every text and blob as a hex
 * literal and every number in digits, so that no value is ever parsed as SQL, at about three times
 * the rate of the driver's rewrite of a batch, which escapes each blob byte by byte, twice. On
 * SQLite a prepared-statement batch, run in-process.
 */
final class BulkInsert {

    /** A column's type: how a value is bound, and its PostgreSQL array element type. */
    enum Type {
        TEXT("varchar"), INT("int4"), BIGINT("int8"), BYTES("bytea");

        private final String pgArray;

        Type(String pgArray) {
            this.pgArray = pgArray;
        }
    }

    record Column(String name, Type type) {
        static Column text(String name) {
            return new Column(name, Type.TEXT);
        }

        static Column integer(String name) {
            return new Column(name, Type.INT);
        }

        static Column bigint(String name) {
            return new Column(name, Type.BIGINT);
        }

        static Column bytes(String name) {
            return new Column(name, Type.BYTES);
        }
    }

    /** Fills {@code values} (one per column, in order; null for SQL NULL) with row {@code i}. */
    interface Rows {
        void row(int i, Object[] values);
    }

    /** A literal statement is sent once it holds this many characters (well under any {@code max_allowed_packet}). */
    static final int LITERAL_STATEMENT_CHARS = 1 << 20;
    /** A row with a blob longer than this is written on its own by a prepared statement. */
    static final int LITERAL_BLOB_BYTES = 1 << 20;
    /** Blobs from this size on are written in base64 (FROM_BASE64 costs 14 characters around it), smaller ones in hex. */
    static final int BASE64_FROM_BYTES = 64;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private BulkInsert() {
    }

    /** Inserts rows 0 to {@code n - 1}; a unique violation fails the statement as the single-row inserts would. */
    static void insert(Jdbc db, Connection c, String table, List<Column> columns, int n, Rows rows) throws SQLException {
        write(db, c, table, columns, 0, n, rows);
    }

    /**
     * Inserts rows 0 to {@code n - 1} or, where a row with the same first {@code keys} columns is
     * there, replaces its other columns ({@link Dialect#upsert}). No two rows may share their keys.
     */
    static void upsert(Jdbc db, Connection c, String table, List<Column> columns, int keys, int n, Rows rows)
            throws SQLException {
        write(db, c, table, columns, keys, n, rows);
    }

    private static void write(Jdbc db, Connection c, String table, List<Column> columns, int keys, int n, Rows rows)
            throws SQLException {
        if (n == 0) {
            return;
        }
        String[] names = columns.stream().map(Column::name).toArray(String[]::new);
        String[] keyNames = java.util.Arrays.copyOf(names, keys);
        String[] valueNames = java.util.Arrays.copyOfRange(names, keys, names.length);
        String into = "INSERT INTO " + table + " (" + String.join(", ", names) + ")";
        String tail = keys == 0 ? "" : db.dialect.upsertTail(keyNames, valueNames);
        String oneRow = into + " VALUES (" + Dialect.marks(names.length) + ")" + tail;
        if (db.dialect.updatesFromArrays()) {
            fromArrays(db, c, into + " SELECT * FROM unnest(", tail, columns, n, rows);
        } else if (db.dialect.writesLiteralRows()) {
            literalRows(db, c, into + " VALUES ", tail, oneRow, columns, n, rows);
        } else {
            Object[] values = new Object[columns.size()];
            try (PreparedStatement ps = db.prepare(c, oneRow)) {
                for (int i = 0; i < n; i++) {
                    rows.row(i, values);
                    bindRow(ps, 1, columns, values);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** One statement, {@code head} + an array parameter per column + ")" + {@code tail}. */
    private static void fromArrays(Jdbc db, Connection c, String head, String tail, List<Column> columns, int n, Rows rows)
            throws SQLException {
        Object[] values = new Object[columns.size()];
        Object[][] byColumn = new Object[columns.size()][n];
        for (int i = 0; i < n; i++) {
            rows.row(i, values);
            for (int j = 0; j < values.length; j++) {
                byColumn[j][i] = values[j];
            }
        }
        StringBuilder sql = new StringBuilder(head);
        for (int j = 0; j < columns.size(); j++) {
            sql.append(j == 0 ? "" : ", ").append("?::").append(columns.get(j).type().pgArray).append("[]");
        }
        sql.append(')').append(tail);
        try (PreparedStatement ps = db.prepare(c, sql.toString())) {
            for (int j = 0; j < columns.size(); j++) {
                ps.setArray(j + 1, c.createArrayOf(columns.get(j).type().pgArray, typed(columns.get(j).type(), byColumn[j])));
            }
            ps.executeUpdate();
        }
    }

    /**
     * Statements of {@code head} + "(row), (row), ..." + {@code tail}, each sent once it reaches
     * {@link #LITERAL_STATEMENT_CHARS}. The text holds only what is written here: hex digits,
     * base64 inside {@code FROM_BASE64('...')}, decimal digits, NULL and the caller's fixed SQL. A row with a blob over {@link
     * #LITERAL_BLOB_BYTES} goes alone through {@code prepared} (the driver's escaping makes it about
     * as long as the blob, hex twice as long: a blob near {@code max_allowed_packet} still fits).
     */
    private static void literalRows(Jdbc db, Connection c, String head, String tail, String prepared, List<Column> columns,
                                    int n, Rows rows) throws SQLException {
        Object[] values = new Object[columns.size()];
        Literals sql = new Literals();
        try (java.sql.Statement st = db.statement(c)) {
            st.setEscapeProcessing(false);
            for (int i = 0; i < n; i++) {
                rows.row(i, values);
                if (hasLargeBlob(values)) {
                    try (PreparedStatement ps = db.prepare(c, prepared)) {
                        bindRow(ps, 1, columns, values);
                        ps.executeUpdate();
                    }
                } else {
                    sql.ascii(sql.isEmpty() ? head : ",").ascii("(");
                    for (int j = 0; j < values.length; j++) {
                        if (j > 0) {
                            sql.ascii(",");
                        }
                        sql.value(columns.get(j).type(), values[j]);
                    }
                    sql.ascii(")");
                }
                if (!sql.isEmpty() && (sql.length() >= LITERAL_STATEMENT_CHARS || i == n - 1)) {
                    st.executeUpdate(sql.ascii(tail).take());
                }
            }
        }
    }

    private static boolean hasLargeBlob(Object[] values) {
        for (Object v : values) {
            if (v instanceof byte[] b && b.length > LITERAL_BLOB_BYTES) {
                return true;
            }
        }
        return false;
    }

    /** The text of a literal statement, in bytes (it is all ASCII). */
    static final class Literals {
        private static final java.util.Base64.Encoder BASE64 = java.util.Base64.getEncoder();
        private byte[] buf = new byte[8192];
        private byte[] scratch = new byte[8192];
        private int len;

        boolean isEmpty() {
            return len == 0;
        }

        int length() {
            return len;
        }

        Literals ascii(String s) {
            int n = s.length();
            room(n);
            byte[] out = buf;
            int p = len;
            for (int i = 0; i < n; i++) {
                out[p + i] = (byte) s.charAt(i); // ASCII only: the SQL written in this class
            }
            len = p + n;
            return this;
        }

        /** A value of a column of {@code type}: text as a utf8mb4 hex literal, a blob as a hex literal, a number in digits. */
        Literals value(Type type, Object value) {
            if (value == null) {
                return ascii("NULL");
            }
            return switch (type) {
                case TEXT -> ascii("_utf8mb4 ").hex(((String) value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                case BYTES -> ((byte[]) value).length < BASE64_FROM_BYTES ? hex((byte[]) value) : base64((byte[]) value);
                case INT -> ascii(Integer.toString((Integer) value));
                case BIGINT -> ascii(Long.toString((Long) value));
            };
        }

        /**
         * {@code X'...'} ({@code X''} is the empty string). The loop works on locals, not on the
         * fields, so that the compiler drops its bounds checks: the hex of a catch-up's documents
         * and payloads, written through the fields, was a sixth of the consumer's time on MariaDB.
         */
        private Literals hex(byte[] b) {
            room(3 + 2 * b.length);
            byte[] out = buf;
            int p = len;
            out[p++] = 'X';
            out[p++] = '\'';
            for (byte x : b) {
                out[p] = HEX[(x >> 4) & 15];
                out[p + 1] = HEX[x & 15];
                p += 2;
            }
            out[p++] = '\'';
            len = p;
            return this;
        }

        /**
         * {@code FROM_BASE64('...')}: a third shorter than hex for a document or a payload, and
         * the driver allocates four bytes of packet per character of a statement (utf8mb4's
         * widest): the hex of a catch-up's documents made 2.4 GB of its 5.6 GB of allocation.
         */
        private Literals base64(byte[] b) {
            int n = 4 * ((b.length + 2) / 3);
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, 2 * scratch.length)];
            }
            int written = BASE64.encode(b, scratch);
            room(written + 14);
            ascii("FROM_BASE64('");
            System.arraycopy(scratch, 0, buf, len, written);
            len += written;
            return ascii("')");
        }

        private void room(int more) {
            if (len + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        /** The statement so far, emptied. */
        String take() {
            String s = new String(buf, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
            len = 0;
            return s;
        }
    }

    /** Binds {@code values}, one per column, from parameter {@code first}; returns the next parameter. */
    static int bindRow(PreparedStatement ps, int first, List<Column> columns, Object[] values) throws SQLException {
        for (int j = 0; j < values.length; j++) {
            bind(ps, first + j, columns.get(j).type(), values[j]);
        }
        return first + values.length;
    }

    /** Binds one value of a column of {@code type} (null: SQL NULL). */
    private static void bind(PreparedStatement ps, int i, Type type, Object value) throws SQLException {
        switch (type) {
            case TEXT -> Jdbc.setText(ps, i, (String) value);
            case BYTES -> Jdbc.setBytes(ps, i, (byte[]) value);
            case INT -> {
                if (value == null) {
                    ps.setNull(i, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(i, (Integer) value);
                }
            }
            case BIGINT -> {
                if (value == null) {
                    ps.setNull(i, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(i, (Long) value);
                }
            }
        }
    }

    /** The values of one column as the array type the driver expects for {@code type}. */
    private static Object[] typed(Type type, Object[] values) {
        return switch (type) {
            case TEXT -> java.util.Arrays.copyOf(values, values.length, String[].class);
            case INT -> java.util.Arrays.copyOf(values, values.length, Integer[].class);
            case BIGINT -> java.util.Arrays.copyOf(values, values.length, Long[].class);
            case BYTES -> java.util.Arrays.copyOf(values, values.length, byte[][].class);
        };
    }
}
