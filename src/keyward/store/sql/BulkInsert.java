package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Many rows into one table, inside the caller's transaction. On PostgreSQL one statement over one
 * array parameter per column ({@code INSERT ... SELECT * FROM unnest(...)}): planned once, its
 * values sent as arrays, about three times faster than the driver's multi-row rewrite of a batch.
 * Elsewhere a prepared-statement batch, which the MySQL driver sends as multi-row statements and
 * SQLite runs in-process.
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
        Object[] values = new Object[columns.size()];
        if (db.dialect.updatesFromArrays()) {
            Object[][] byColumn = new Object[columns.size()][n];
            for (int i = 0; i < n; i++) {
                rows.row(i, values);
                for (int j = 0; j < values.length; j++) {
                    byColumn[j][i] = values[j];
                }
            }
            StringBuilder arrays = new StringBuilder();
            for (Column col : columns) {
                arrays.append(arrays.length() == 0 ? "" : ", ").append("?::").append(col.type().pgArray).append("[]");
            }
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (").append(String.join(", ", names))
                    .append(") SELECT * FROM unnest(").append(arrays).append(')');
            if (keys > 0) {
                sql.append(SqliteDialect.onConflict(java.util.Arrays.copyOf(names, keys),
                        java.util.Arrays.copyOfRange(names, keys, names.length)));
            }
            try (PreparedStatement ps = db.prepare(c, sql.toString())) {
                for (int j = 0; j < columns.size(); j++) {
                    ps.setArray(j + 1, c.createArrayOf(columns.get(j).type().pgArray, typed(columns.get(j).type(), byColumn[j])));
                }
                ps.executeUpdate();
            }
            return;
        }
        String sql = keys == 0
                ? "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES (" + Dialect.marks(names.length) + ")"
                : db.dialect.upsert(table, java.util.Arrays.copyOf(names, keys), java.util.Arrays.copyOfRange(names, keys, names.length));
        try (PreparedStatement ps = db.prepare(c, sql)) {
            for (int i = 0; i < n; i++) {
                rows.row(i, values);
                for (int j = 0; j < values.length; j++) {
                    bind(ps, j + 1, columns.get(j).type(), values[j]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds one value of a column of {@code type} (null: SQL NULL). */
    static void bind(PreparedStatement ps, int i, Type type, Object value) throws SQLException {
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
