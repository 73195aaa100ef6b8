package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import keyward.cli.Cli;
import keyward.crypto.AuditKey;
import keyward.store.AuditRecord;
import keyward.store.Store;
import keyward.store.sql.AuditTamper;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import keyward.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyward verify-audit} on a data dir made by {@code keyward init}. */
class VerifyAuditCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        out.reset();
        err.reset();
        return Cli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void verifyAudit_intactLog_exits0_andTamperedLog_exits1NamingTheEntry() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data-dir", data.toString()), err.toString(StandardCharsets.UTF_8));
        try (Store store = SqlStore.open(SqlOptions.sqlite(data.resolve("keyward.db")))) {
            store.open();
            try (AuditLog log = new AuditLog(store, AuditKey.load(data.resolve("audit.key")), "host:9998",
                    Clock.system())) {
                log.start();
                AuditFixture.record(log, 30, "admin");
            }
        }
        assertEquals(0, run("verify-audit", "--data-dir", data.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(out().contains("audit log verified: 30 entries on 1 node"), out());

        try (Store store = SqlStore.open(SqlOptions.sqlite(data.resolve("keyward.db")))) {
            store.open();
            long position = AuditFixture.entries(store, "host:9998").get(6).position();
            AuditTamper.rewrite(data.resolve("keyward.db"), position, r -> new AuditRecord(r.position(), r.node(), r.seq(),
                    r.time(), "mallory", r.operation(), r.keyRef(), r.outcome(), r.remote(), r.prevHash(), r.hash()));
            assertEquals(1, run("verify-audit", "--data-dir", data.toString()));
            assertTrue(out().contains("node 'host:9998' entry seq 7 (position " + position
                    + "): hash does not match its contents"), out());
        }
    }

    @Test
    void verifyAudit_recordsTheHeads_andThenFindsATailCutAfterThem_alsoInAHeadFileNamedByFlag() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data-dir", data.toString()), err.toString(StandardCharsets.UTF_8));
        try (Store store = SqlStore.open(SqlOptions.sqlite(data.resolve("keyward.db")))) {
            store.open();
            try (AuditLog log = new AuditLog(store, AuditKey.load(data.resolve("audit.key")), "host:9998",
                    keyward.time.Clock.system())) { // keeps no head file: verify-audit records what it verified
                log.start();
                AuditFixture.record(log, 30, "admin");
            }
        }
        assertEquals(0, run("verify-audit", "--data-dir", data.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(out().contains("warning: no audit head file at " + data.resolve(HeadFile.NAME)), out());
        assertTrue(out().contains("recorded the newest checkpoint of 1 node in " + data.resolve(HeadFile.NAME)), out());
        Path copy = dir.resolve("elsewhere.json");
        java.nio.file.Files.copy(data.resolve(HeadFile.NAME), copy);

        AuditTamper.truncate(data.resolve("keyward.db"), "host:9998", 21);
        String cut = "audit log broken: node 'host:9998' entry seq 21 is missing (the chain ends at seq 20 but the head"
                + " file records a signed checkpoint at seq 30)";
        assertEquals(1, run("verify-audit", "--data-dir", data.toString()));
        assertTrue(out().contains(cut), out());
        java.nio.file.Files.delete(data.resolve(HeadFile.NAME));
        assertEquals(1, run("verify-audit", "--data-dir", data.toString(), "--audit-heads", copy.toString()));
        assertTrue(out().contains(cut), out());
        assertEquals(1, run("verify-audit", "--data-dir", data.toString(), "--audit-heads", dir.resolve("none").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("audit head file " + dir.resolve("none")
                + " does not exist"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void verifyAudit_help_startsWithTheOneLineSummary() {
        assertEquals(0, run("verify-audit", "--help"));
        assertTrue(out().startsWith("verify-audit [--audit-heads FILE]   check every node's audit chain and checkpoint"
                + " signatures"), out());
    }
}
