package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What an operator reads when a database connection cannot be opened. */
class ConnectFailureTest {

    @Test
    void target_isHostPortAndDatabase_withoutUserInfoOrParameters() {
        assertEquals("db1:5432/keyward", ConnectFailure.target("jdbc:postgresql://db1:5432/keyward?sslmode=require"));
        assertEquals("127.0.0.1:3306/kw", ConnectFailure.target("jdbc:mysql://kw:S3cret@127.0.0.1:3306/kw?a=b"));
        assertEquals("db1:5432,db2:5432/kw", ConnectFailure.target("jdbc:postgresql://db1:5432,db2:5432/kw"));
        assertEquals("/var/lib/keyward/keyward.db", ConnectFailure.target("jdbc:sqlite:/var/lib/keyward/keyward.db"));
    }

    @Test
    void aPasswordInTheDriversWords_isScrubbed() {
        SQLException e = new SQLException("login with password hunter2 refused", "28000", 1045);
        String m = ConnectFailure.of("mysql", "jdbc:mysql://127.0.0.1:3306/kw", "hunter2", e).getMessage();
        assertFalse(m.contains("hunter2"), m);
        assertTrue(m.contains("***"), m);
        assertTrue(m.contains("check the user name and the password"), m);
    }

    @Test
    void eachKindOfFailure_getsItsHint() {
        assertTrue(of("postgresql", "3D000", 0, "database \"x\" does not exist").contains("create that database first"));
        assertTrue(of("mysql", "42000", 1049, "Unknown database 'x'").contains("create that database first"));
        assertTrue(of("postgresql", "08001", 0, "Connection refused.").contains("runs and listens there"));
        assertTrue(of("sqlite", null, 0, "path does not exist").contains("exists and this user may write there"));
        assertEquals("cannot connect to the postgresql database at h:1/d: odd", of("postgresql", "XX000", 0, "odd."),
                "no hint for what we cannot name; the driver's trailing period is dropped");
    }

    @Test
    void anUnknownHost_isNamedEvenWhenTheDriverSaysLittle() {
        SQLException e = new SQLException("The connection attempt failed.", "08001", 0,
                new UnknownHostException("no-such-host.invalid"));
        String m = ConnectFailure.of("postgresql", "jdbc:postgresql://no-such-host.invalid:5432/kw", null, e).getMessage();
        assertTrue(m.contains("unknown host no-such-host.invalid"), m);
        assertTrue(m.contains("no-such-host.invalid:5432/kw"), m);
    }

    @Test
    void aDriverWithoutWords_isDescribedByItsCodes() {
        String m = ConnectFailure.of("sqlite", "jdbc:sqlite:/nope/kw.db", null, new SQLException()).getMessage();
        assertTrue(m.contains("no details from the driver (SQLState null, code 0)"), m);
    }

    private static String of(String kind, String state, int code, String message) {
        return ConnectFailure.of(kind, "jdbc:" + kind + "://h:1/d", null, new SQLException(message, state, code)).getMessage();
    }
}
