package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;
import keyward.store.TestDatabases;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A connection lost in the middle of a batched write is "database unavailable" (503), whatever
 * the driver reports: Connector/J may report it as a closed statement from its own cleanup. A
 * closed statement on a healthy connection stays what it is, a bug, not an outage.
 */
class LostConnectionTest {

    private static Jdbc jdbc(SqlOptions o) throws SQLException {
        Dialect dialect = Dialect.of(o.type());
        Properties props = dialect.driverDefaults(o.timeoutMs());
        props.setProperty("user", o.user());
        String url = JdbcUrls.toJdbc(o.type(), o.url());
        Pool pool = new Pool("test", () -> DriverManager.getConnection(url, props), 2, o.timeoutMs(), Clock.system());
        try (Connection c = SqlTestSupport.connect(o); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
        }
        return new Jdbc(dialect, pool, pool, o.timeoutMs(), Clock.system());
    }

    @Test
    void mariadb_connectionKilledBeforeABatch_isUnavailable_andTheNextWriteWorks() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            try (Jdbc db = jdbc(o)) {
                StoreException e = assertThrows(StoreException.class, () -> db.write("batch", c -> {
                    killOwnSession(o, c);
                    try (PreparedStatement ps = db.prepare(c, "INSERT INTO t (id, v) VALUES (?, ?)")) {
                        for (int i = 0; i < 3; i++) {
                            ps.setInt(1, i);
                            ps.setInt(2, i);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    return null;
                }));
                assertInstanceOf(StoreUnavailableException.class, e, e.getMessage());
                assertEquals(1, (int) db.write("after", c -> {
                    try (PreparedStatement ps = db.prepare(c, "INSERT INTO t (id, v) VALUES (7, 7)")) {
                        return ps.executeUpdate();
                    }
                }));
            }
        });
    }

    @Test
    void mariadb_aClosedStatementOnAHealthyConnection_isNotAnOutage() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            try (Jdbc db = jdbc(o)) {
                StoreException e = assertThrows(StoreException.class, () -> db.write("closed statement", c -> {
                    PreparedStatement ps = db.prepare(c, "INSERT INTO t (id, v) VALUES (1, 1)");
                    ps.close();
                    ps.clearBatch();
                    return null;
                }));
                assertFalse(e instanceof StoreUnavailableException, e.getMessage());
            }
        });
    }

    /** Ends {@code c}'s session from another connection, as a database restart or a cut would. */
    private static void killOwnSession(SqlOptions o, Connection c) throws SQLException {
        long id;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            id = rs.getLong(1);
        }
        try (Connection admin = SqlTestSupport.connect(o); Statement st = admin.createStatement()) {
            st.execute("KILL CONNECTION " + id);
        }
    }
}
