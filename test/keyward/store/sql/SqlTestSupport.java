package keyward.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Shared by the SQL store tests: empties a test database between tests (cheaper than a new one),
 * makes and removes SQLite databases in temporary directories.
 */
final class SqlTestSupport {

    private static final String[] TABLES = {"kw_key_versions", "kw_key_tags", "kw_key_attributes", "kw_key_grants",
        "kw_keys", "kw_tokens", "kw_users", "kw_audit", "kw_audit_blocks", "kw_audit_refs", "kw_audit_checkpoints", "kw_meta",
        "kw_leases", "kw_changelog", "kw_repl_objects", "kw_repl_vector"};

    private SqlTestSupport() {
    }

    static Connection connect(SqlOptions o) throws SQLException {
        Properties p = new Properties();
        if (o.user() != null) {
            p.setProperty("user", o.user());
        }
        return DriverManager.getConnection(JdbcUrls.toJdbc(o.type(), o.url()), p);
    }

    /** Deletes every row of the store's tables; the schema stays. */
    static void wipe(SqlOptions o) {
        try (Connection c = connect(o); Statement st = c.createStatement()) {
            st.setQueryTimeout(10);
            for (String table : TABLES) {
                st.executeUpdate("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the test database", e);
        }
    }

    /** A new temporary directory for a SQLite database. */
    static Path newSqliteDir() {
        try {
            return Files.createTempDirectory("kw-sqlite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store on the SQLite database in {@code dir}, opened (migrated). */
    static SqlStore openSqlite(Path dir) {
        SqlStore s = SqlStore.open(SqlOptions.sqlite(dir.resolve("keyward.db")));
        s.open();
        return s;
    }

    /** Deletes {@code dir} and everything in it; nothing if null. */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store on {@code o}, opened (migrated) and emptied. */
    static SqlStore openEmpty(SqlOptions o) {
        SqlStore s = SqlStore.open(o);
        s.open();
        wipe(o);
        return s;
    }
}
