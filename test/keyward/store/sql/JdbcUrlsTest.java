package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void postgresUrl_becomesJdbc_withCredentialsTakenOut_andParametersKept() {
        String url = "postgres://kw:s3cr%40t%2Fpw+x@db.example:5432/keyward?sslmode=require&sslrootcert=/etc/ca.pem";
        assertEquals("jdbc:postgresql://db.example:5432/keyward?sslmode=require&sslrootcert=/etc/ca.pem",
                JdbcUrls.toJdbc("postgresql", url));
        Properties p = JdbcUrls.credentials("postgresql", url);
        assertEquals("kw", p.getProperty("user"));
        assertEquals("s3cr@t/pw+x", p.getProperty("password"), "percent-decoded, '+' kept");
    }

    @Test
    void postgresqlMultiHostUrl_asksTheDriverForThePrimary() {
        // the JDBC driver ignores libpq's target_session_attrs: it would land on a standby and fail every write
        String url = "postgresql://h1:5432,h2:5432/db?target_session_attrs=read-write";
        assertEquals("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary", JdbcUrls.toJdbc("postgresql", url));
        assertTrue(JdbcUrls.credentials("postgresql", url).isEmpty());
        assertEquals("jdbc:postgresql://h1,h2/db?sslmode=require&targetServerType=primary",
                JdbcUrls.toJdbc("postgresql", "postgres://h1,h2/db?sslmode=require&target_session_attrs=primary"));
        assertEquals("jdbc:postgresql://h1,h2/db?targetServerType=primary",
                JdbcUrls.toJdbc("postgresql", "postgres://h1,h2/db"), "multi-host without a target: the primary");
        assertEquals("jdbc:postgresql://h1,h2/db?targetServerType=any",
                JdbcUrls.toJdbc("postgresql", "postgres://h1,h2/db?target_session_attrs=any"), "asked for explicitly");
        assertEquals("jdbc:postgresql://h1,h2/db?targetServerType=preferPrimary",
                JdbcUrls.toJdbc("postgresql", "postgres://h1,h2/db?targetServerType=preferPrimary"), "the driver's own word wins");
        assertEquals("jdbc:postgresql://h1/db", JdbcUrls.toJdbc("postgresql", "postgres://h1/db"), "one host: nothing added");
    }

    @Test
    void targetSessionAttrs_askingForAStandby_isRefused() {
        for (String attrs : new String[] {"read-only", "standby", "prefer-standby", "bogus"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbcUrls.toJdbc("postgresql", "postgres://h1,h2/db?target_session_attrs=" + attrs));
            assertTrue(e.getMessage().contains("target_session_attrs=read-write"), e.getMessage());
        }
    }

    @Test
    void mysqlAndMariadbUrls_becomeConnectorJUrls() {
        assertEquals("jdbc:mysql://db:3306/keyward", JdbcUrls.toJdbc("mysql", "mysql://root:pw@db:3306/keyward"));
        assertEquals("jdbc:mysql://db/keyward?sslMode=VERIFY_CA", JdbcUrls.toJdbc("mysql", "mariadb://u@db/keyward?sslMode=VERIFY_CA"));
        Properties p = JdbcUrls.credentials("mysql", "mariadb://u@db/keyward");
        assertEquals("u", p.getProperty("user"));
        assertFalse(p.containsKey("password"));
    }

    @Test
    void jdbcUrls_areUnchanged_butMustMatchTheType() {
        assertEquals("jdbc:postgresql://h/db?user=x", JdbcUrls.toJdbc("postgresql", "jdbc:postgresql://h/db?user=x"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrls.toJdbc("mysql", "jdbc:postgresql://h/db"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrls.toJdbc("postgresql", "mysql://h/db"));
    }

    @Test
    void sqlitePaths_becomeSqliteUrls() {
        assertEquals("jdbc:sqlite:/var/lib/kw.db", JdbcUrls.toJdbc("sqlite", "/var/lib/kw.db"));
        assertEquals("jdbc:sqlite:/var/lib/kw.db", JdbcUrls.toJdbc("sqlite", "sqlite:/var/lib/kw.db"));
        assertEquals("jdbc:sqlite:/var/lib/kw.db", JdbcUrls.toJdbc("sqlite", "sqlite:///var/lib/kw.db"));
    }

    @Test
    void badUrls_areRefused_withoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcUrls.toJdbc("postgresql", "postgres://user:hunter2@/db"));
        assertFalse(e.getMessage().contains("hunter2"));
        e = assertThrows(IllegalArgumentException.class,
                () -> JdbcUrls.credentials("postgresql", "postgres://user:hunter2%zz@h/db"));
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void percentEscapesWithNonAsciiDigits_areRefused() {
        // Character.digit reads Arabic-Indic and fullwidth digits as 4 and 1: "%\u0664\u0661" is no "%41"
        for (String escape : new String[] {"%\u0664\u0661", "%\uff14\uff11", "%4\u0661", "%4"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbcUrls.credentials("postgresql", "postgres://kw:pw" + escape + "@h/db"), escape);
            assertEquals("database url: bad percent-encoding in the user info", e.getMessage());
        }
        assertEquals("pwA", JdbcUrls.credentials("postgresql", "postgres://kw:pw%41@h/db").getProperty("password"));
    }

    @Test
    void redact_masksPasswords() {
        assertEquals("postgres://kw:***@h:5432/db", JdbcUrls.redact("postgres://kw:pw@h:5432/db"));
        assertEquals("jdbc:mysql://h/db?user=u&password=***&ssl=true", JdbcUrls.redact("jdbc:mysql://h/db?user=u&password=pw&ssl=true"));
        assertEquals("postgresql://h1:5432,h2:5432/db", JdbcUrls.redact("postgresql://h1:5432,h2:5432/db"));
    }

    @Test
    void sqlOptions_toString_showsNoSecret() {
        Properties extra = new Properties();
        extra.setProperty("clientCertificateKeyStorePassword", "storepw");
        extra.setProperty("sslMode", "VERIFY_CA");
        SqlOptions o = new SqlOptions("mysql", "mysql://u:urlpw@h/db", "u", "optpw", 4, 5000, extra);
        String s = o.toString();
        assertFalse(s.contains("storepw") || s.contains("urlpw") || s.contains("optpw"), s);
        assertTrue(s.contains("sslMode=VERIFY_CA"), s);
    }

    @Test
    void sqlOptions_outOfRange_isRefusedNamingTheField() {
        assertThrows(IllegalArgumentException.class, () -> new SqlOptions("oracle", "x", null, null, 4, 5000, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SqlOptions("sqlite", "/x.db", null, null, 0, 5000, null));
        assertTrue(e.getMessage().contains("pool size"));
    }
}
