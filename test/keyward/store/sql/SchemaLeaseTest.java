package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The lease row MySQL migrations take besides GET_LOCK (GET_LOCK is node-local on Galera), on the
 * real MariaDB: a lease left by a crashed migrator on this very server is stale at once (that
 * session no longer holds GET_LOCK), an expired one of another server is taken over, and a
 * migration leaves no lease behind.
 */
class SchemaLeaseTest {

    @Test
    void aLeaseLeftOnThisServer_doesNotDelayTheMigration_andNoneIsLeftBehind() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            lease(o, "CONCAT(@@hostname, ':', @@port, '/crashed-migrator')", "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED) + 600000");
            try (SqlStore s = SqlStore.open(o)) {
                s.open();  // the lease runs 10 more minutes: waiting for it would time out and throw
            }
            assertEquals(String.valueOf(Migrations.latest()), query(o, "SELECT COUNT(*) FROM kw_schema_version"));
            assertEquals("0", query(o, "SELECT COUNT(*) FROM kw_schema_lock"), "the lease was released");
        });
    }

    @Test
    void anExpiredLeaseOfAnotherServer_isTakenOver() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            lease(o, "'galera-node-9:3306/gone'", "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED) - 1");
            try (SqlStore s = SqlStore.open(o)) {
                s.open();
            }
            assertEquals(String.valueOf(Migrations.latest()), query(o, "SELECT COUNT(*) FROM kw_schema_version"));
            assertEquals("0", query(o, "SELECT COUNT(*) FROM kw_schema_lock"));
        });
    }

    private static void lease(SqlOptions o, String holder, String until) throws SQLException {
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kw_schema_lock (name VARCHAR(64) NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL,"
                    + " until_ms BIGINT NOT NULL) ENGINE=InnoDB");
            st.execute("INSERT INTO kw_schema_lock (name, holder, until_ms) VALUES ('migrate', " + holder + ", " + until + ")");
        }
    }

    private static String query(SqlOptions o, String sql) throws SQLException {
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
