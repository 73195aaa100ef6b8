package keyward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import keyward.server.Version;
import keyward.store.Store;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code keyward} command, run in this JVM: its help, its exit codes (0 ok, 1 failure, 2 usage), its output. */
class CommandsTest {
    private static final List<String> COMMANDS = List.of("init", "server", "create-user", "verify-audit",
            "rotate-findex-label", "show-replication-certificate", "renew-replication-certificate",
            "refresh-replication-consumer", "rotate-kek", "backup", "restore", "migrate");

    @TempDir
    Path tmp;

    /** One run's exit code and output. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run ok(String... argv) {
        Run r = run(argv);
        assertEquals(0, r.code(), "keyward " + String.join(" ", argv) + ": " + r.err() + r.out());
        return r;
    }

    private String initialised() {
        String dir = tmp.resolve("data").toString();
        ok("init", "--data-dir", dir);
        return dir;
    }

    @Test
    void noArguments_printsTheHelpListingEveryCommand_withExitCode2() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.out().startsWith("usage: keyward <command> [flags]"), r.out());
        for (String c : COMMANDS) {
            assertTrue(r.out().contains("\n  " + c), c + " missing from the help:\n" + r.out());
        }
        assertEquals(0, run("--help").code());
        assertEquals(r.out(), run("help").out(), "'help' and no arguments print the same text");
    }

    @Test
    void everyCommand_answersHelpWithItsUsage_andExitCode0() {
        for (String c : COMMANDS) {
            for (String flag : new String[] {"--help", "-h"}) {
                Run r = run(c, "--data-dir", tmp.resolve("never-made").toString(), flag);
                assertEquals(0, r.code(), c + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith(c), c + " " + flag + " printed: " + r.out());
                assertEquals("", r.err());
            }
        }
        assertFalse(Files.exists(tmp.resolve("never-made")), "asking for help created the data dir");
    }

    @Test
    void version_printsTheVersionAndGitRevision() {
        for (String v : new String[] {"--version", "version"}) {
            assertEquals("keyward " + Version.version() + " (" + Version.git() + ")\n", ok(v).out());
        }
    }

    @Test
    void missingArguments_areUsageErrors_exitCode2_withTheCommandsUsage() {
        String dir = tmp.resolve("d").toString();
        String[][] cases = {
            {"missing NAME", "create-user", "--data-dir", dir},
            {"missing --out FILE", "backup", "--data-dir", dir},
            {"--new-label is required", "rotate-findex-label", "--data-dir", dir},
            {"--admin-name needs a value", "init", "--data-dir", dir, "--admin-name"},
        };
        for (String[] c : cases) {
            Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), c[1] + ": " + r.err());
            assertTrue(r.err().startsWith("keyward " + c[1] + ": " + c[0] + "\n\n" + c[1]), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("d")), "a usage error wrote the data dir");
    }

    @Test
    void unknownConfigurationFlag_isAFailure_exitCode1_namingTheFlag() {
        Run r = run("create-user", "bob", "--data-dir", tmp.toString(), "--no-such-flag=1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("keyward create-user: "), r.err());
        assertTrue(r.err().contains("no-such-flag"), r.err());
    }

    @Test
    void rotateFindexLabel_onSqlite_isRefusedNamingTheDatabaseType() {
        Run r = run("rotate-findex-label", "--new-label", "L2", "--data-dir", tmp.toString());
        assertEquals(1, r.code());
        assertEquals("keyward rotate-findex-label: rotate-findex-label needs --database-type=redis-findex"
                + " (this config uses sqlite)\n", r.err());
    }

    @Test
    void createUser_printsTheTokenOnce_storesTheAdminFlag_andRefusesADuplicateWithASentence() throws Exception {
        String dir = initialised();
        Run alice = ok("create-user", "alice", "--data-dir", dir);
        Run root = ok("create-user", "--admin", "root", "--data-dir", dir);
        String[] lines = alice.out().split("\n");
        assertEquals(2, lines.length, alice.out());
        assertEquals("user 'alice' created; token (shown once):", lines[0]);
        assertTrue(lines[1].length() >= 32, "a token of some length: " + lines[1]);
        assertTrue(root.out().startsWith("user 'root' (admin) created; token (shown once):\n"), root.out());
        assertNotEquals(lines[1], root.out().split("\n")[1], "every user gets its own token");
        try (Store store = SqlStore.open(SqlOptions.sqlite(Path.of(dir, "keyward.db")))) {
            store.open();
            assertFalse(store.findUser("alice").orElseThrow().admin());
            assertTrue(store.findUser("root").orElseThrow().admin());
        }
        Run again = run("create-user", "alice", "--data-dir", dir);
        assertEquals(1, again.code());
        assertEquals("", again.out(), "no token for a refused user");
        assertEquals("keyward create-user: user 'alice' already exists\n", again.err());
    }

    @Test
    void replicationCertificate_isStable_untilRenewed_andThenTheNewOneIsShown() throws Exception {
        String dir = initialised();
        String first = ok("show-replication-certificate", "--data-dir", dir).out().trim();
        X509Certificate cert = parse(first);
        cert.checkValidity();
        assertEquals(first, ok("show-replication-certificate", "--data-dir", dir).out().trim(),
                "showing twice shows the same certificate");
        String renewed = ok("renew-replication-certificate", "--data-dir", dir).out().trim();
        assertNotEquals(first, renewed);
        assertNotEquals(cert.getPublicKey(), parse(renewed).getPublicKey(), "a renewal makes a new key");
        assertEquals(renewed, ok("show-replication-certificate", "--data-dir", dir).out().trim());
    }

    private static X509Certificate parse(String base64) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    @Test
    void verifyAudit_onAFreshDeployment_succeeds_warningThatNoHeadFileIsRecordedYet() {
        String dir = initialised();
        Run first = ok("verify-audit", "--data-dir", dir);
        assertTrue(first.out().startsWith("warning: no audit head file at " + Path.of(dir, "audit-heads.json")),
                first.out());
        assertTrue(first.out().matches("(?s).*\\naudit log verified: \\d+ entries on \\d+ nodes?\\n.*"), first.out());
    }
}
