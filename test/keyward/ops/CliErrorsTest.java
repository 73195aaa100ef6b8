package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator reads when a command fails: the thing that failed (host and port, database, file,
 * port) and what to check, never a Java class name and never a password.
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private static void assertOperatorMessage(Cmd c, String... mustContain) {
        assertEquals(1, c.code(), c.err() + c.out());
        for (String s : mustContain) {
            assertTrue(c.err().contains(s), "'" + s + "' missing from: " + c.err());
        }
        assertFalse(c.err().matches("(?s).*\\b(java|javax|keyward|org|com)\\.[a-z]+\\.[A-Za-z.]*[A-Z]\\w*(Exception|Error).*"),
                "a class name leaked: " + c.err());
        assertFalse(c.err().contains("SQLState null"), c.err());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void init_closedPort_namesHostAndPort() throws Exception {
        int port = closedPort();
        Cmd c = Cmd.run("init", "--data-dir", tmp.resolve("d").toString(), "--database-type", "postgresql",
                "--database-url", "postgresql://postgres@127.0.0.1:" + port + "/test");
        assertOperatorMessage(c, "127.0.0.1:" + port);
    }

    @Test
    void init_unknownHost_namesTheHost() {
        Cmd c = Cmd.run("init", "--data-dir", tmp.resolve("d").toString(), "--database-type", "postgresql",
                "--database-url", "postgresql://postgres@no-such-host.invalid:5432/test");
        assertOperatorMessage(c, "no-such-host.invalid");
    }

    @Test
    void init_missingDatabase_namesTheDatabase() {
        TestDatabases.requirePostgres();
        Cmd c = Cmd.run("init", "--data-dir", tmp.resolve("d").toString(), "--database-type", "postgresql",
                "--database-url", "postgresql://postgres@127.0.0.1:5432/kw_no_such_db");
        assertOperatorMessage(c, "kw_no_such_db", "127.0.0.1:5432");
    }

    @Test
    void init_badPassword_saysSoWithoutThePassword() {
        TestDatabases.requireMariadb();
        Cmd c = Cmd.run("init", "--data-dir", tmp.resolve("d").toString(), "--database-type", "mysql",
                "--database-url", "mysql://kw_nobody:S3cretPw@127.0.0.1:3306/test");
        assertOperatorMessage(c, "127.0.0.1:3306", "kw_nobody");
        assertFalse(c.err().contains("S3cretPw"), c.err());
    }

    @Test
    void init_thatFails_leavesNothingBehind() throws Exception {
        Path dir = tmp.resolve("d");
        Cmd c = Cmd.run("init", "--data-dir", dir.toString(), "--database-type", "postgresql",
                "--database-url", "postgresql://postgres@127.0.0.1:" + closedPort() + "/test");
        assertEquals(1, c.code());
        assertFalse(Files.exists(dir), "a failed init left " + dir);
    }

    @Test
    void init_onADatabaseAlreadySetUp_namesTheFilesToCopyAndLeavesNothing() throws Exception {
        TestDatabases.onNewPostgres(options -> {
            String jdbc = options.url() + "?user=postgres";
            Cmd.ok("init", "--data-dir", tmp.resolve("first").toString(), "--database-type", "postgresql",
                    "--database-url", jdbc);
            Path second = tmp.resolve("second");
            Cmd c = Cmd.run("init", "--data-dir", second.toString(), "--database-type", "postgresql",
                    "--database-url", jdbc);
            assertOperatorMessage(c, "already set up", "kek.key, pepper.key and audit.key", second.toString());
            assertFalse(Files.exists(second), "the refused init left " + second);
            Cmd retry = Cmd.run("init", "--data-dir", second.toString(), "--database-type", "postgresql",
                    "--database-url", jdbc);
            assertTrue(retry.err().contains("already set up"), "a retry says the same: " + retry.err());
        });
    }

    @Test
    void server_missingDataDir_saysToRunInitAndCreatesNothing() {
        Path dir = tmp.resolve("nodir");
        Cmd c = Cmd.run("server", "--data-dir", dir.toString(), "--port", "0");
        assertOperatorMessage(c, dir.toString(), "keyward init");
        assertFalse(Files.exists(dir), "server created " + dir);
    }

    @Test
    void server_emptyDataDir_createsNoDatabaseFile() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        Cmd c = Cmd.run("server", "--data-dir", dir.toString(), "--port", "0");
        assertOperatorMessage(c, "keyward init");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "server wrote into an uninitialised data dir");
        }
    }

    @Test
    void server_portInUse_namesThePort() throws Exception {
        Path dir = tmp.resolve("d");
        Cmd.ok("init", "--data-dir", dir.toString());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cmd c = Cmd.run("server", "--data-dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertOperatorMessage(c, "127.0.0.1:" + taken.getLocalPort(), "in use");
        }
    }

    @Test
    void createUser_existing_isAPlainSentence() {
        Path dir = tmp.resolve("d");
        Cmd.ok("init", "--data-dir", dir.toString());
        Cmd.ok("create-user", "bob", "--data-dir", dir.toString());
        Cmd c = Cmd.run("create-user", "bob", "--data-dir", dir.toString());
        assertOperatorMessage(c, "user 'bob' already exists");
    }

    @Test
    void rotateKek_badSwitchWait_isAUsageErrorBeforeAnythingIsWritten() throws Exception {
        Path dir = tmp.resolve("d");
        Cmd.ok("init", "--data-dir", dir.toString());
        for (String bad : new String[] {"abc", "-5", "", "99999999999999999999"}) {
            Cmd c = Cmd.run("rotate-kek", "--data-dir", dir.toString(), "--switch-wait-ms=" + bad);
            assertEquals(2, c.code(), c.err());
            assertTrue(c.err().contains("--switch-wait-ms must be an integer 0..600000"), c.err());
            assertFalse(Files.exists(dir.resolve("kek.key.next")), "a refused rotation wrote kek.key.next");
        }
    }

    @Test
    void badDatabaseUrl_isAConfigErrorWithoutAClassName() {
        Cmd c = Cmd.run("init", "--data-dir", tmp.resolve("d").toString(), "--database-type", "postgresql",
                "--database-url", "postgresql://[bad");
        assertOperatorMessage(c, "database");
    }
}
