package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Many rows into one table, inside the caller's transaction. On PostgreSQL one statement over one
 * array parameter per column ({@code INSERT ... SELECT * FROM unnest(...)}): planned once, its
 * values sent as arrays, about three times faster than the driver's multi-row rewrite of a batch.
 * On MySQL and MariaDB multi-row statements prepared on the server, their values sent in binary:
 * nothing a client sent is ever read as SQL, and the server parses each statement's text once
 * instead of lexing every value of every row (the driver's rewrite of a batch escapes each blob
 * byte by byte into the text, twice). On SQLite a prepared-statement batch, run in-process.
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

    /** Rows per multi-row statement prepared on the server (MySQL, MariaDB). */
    static final int ROWS_PER_STATEMENT = 100;
    /** A statement prepared on the server is sent early once its rows hold this many bytes of blobs and texts. */
    static final int STATEMENT_BYTES = 1 << 20;
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
        } else if (db.dialect.writesPreparedRows()) {
            preparedRows(db, c, into + " VALUES ", tail, columns, n, rows);
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
     * Statements of {@code head} + "(?, ...), (?, ...), ..." + {@code tail} of up to {@link
     * #ROWS_PER_STATEMENT} rows, each sent once it holds that many rows or {@link #STATEMENT_BYTES}
     * bytes (a row of large blobs goes alone). Each shape is prepared on the server once per call
     * and closed at its end: a connection holds no server statements between calls (MariaDB's
     * {@code max_prepared_stmt_count} is global). Against hex literals in the statement's text,
     * this cut MariaDB's CPU per row of a 900-byte document from 11 to 8 µs (base64 literals: 15).
     */
    private static void preparedRows(Jdbc db, Connection c, String head, String tail, List<Column> columns,
                                     int n, Rows rows) throws SQLException {
        java.util.Map<Integer, PreparedStatement> shapes = new java.util.HashMap<>();
        try {
            List<Object[]> held = new java.util.ArrayList<>(Math.min(n, ROWS_PER_STATEMENT));
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                Object[] values = new Object[columns.size()];
                rows.row(i, values);
                long size = size(values);
                if (held.size() == ROWS_PER_STATEMENT || (!held.isEmpty() && bytes + size > STATEMENT_BYTES)) {
                    execute(db, c, head, tail, columns, held, shapes);
                    bytes = 0;
                }
                held.add(values);
                bytes += size;
            }
            execute(db, c, head, tail, columns, held, shapes);
        } finally {
            closeAll(shapes.values());
        }
    }

    /** Closes every statement, also after one fails to close (the rest would stay prepared on the server). */
    private static void closeAll(java.util.Collection<PreparedStatement> statements) throws SQLException {
        SQLException failed = null;
        for (PreparedStatement ps : statements) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Writes the rows {@code held} in one statement of their number of rows, and empties it. */
    private static void execute(Jdbc db, Connection c, String head, String tail, List<Column> columns,
                                List<Object[]> held, java.util.Map<Integer, PreparedStatement> shapes) throws SQLException {
        PreparedStatement ps = shapes.get(held.size());
        if (ps == null) {
            StringBuilder sql = new StringBuilder(head);
            String row = "(" + Dialect.marks(columns.size()) + ")";
            for (int k = 0; k < held.size(); k++) {
                sql.append(k == 0 ? "" : ", ").append(row);
            }
            ps = db.prepareOnServer(c, sql.append(tail).toString());
            shapes.put(held.size(), ps);
        }
        int next = 1;
        for (Object[] values : held) {
            next = bindRow(ps, next, columns, values);
        }
        ps.executeUpdate();
        held.clear();
    }

    /** About how many bytes {@code values} take on the wire. */
    private static long size(Object[] values) {
        long n = 0;
        for (Object v : values) {
            n += v instanceof byte[] b ? b.length : v instanceof String t ? 4L * t.length() : 8;
        }
        return n;
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
