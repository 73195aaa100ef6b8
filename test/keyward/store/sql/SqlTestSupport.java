package keyward.store.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Shared by the SQL store tests: empties a test database between tests (cheaper than a new one). */
final class SqlTestSupport {

    private static final String[] TABLES = {"kw_key_versions", "kw_key_tags", "kw_key_attributes", "kw_key_grants",
        "kw_keys", "kw_tokens", "kw_users", "kw_audit", "kw_audit_blocks", "kw_audit_refs", "kw_audit_checkpoints", "kw_meta",
        "kw_leases"};

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

    /** A store on {@code o}, opened (migrated) and emptied. */
    static SqlStore openEmpty(SqlOptions o) {
        SqlStore s = SqlStore.open(o);
        s.open();
        wipe(o);
        return s;
    }
}
