package keyward.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import keyward.core.AuditTrail;
import keyward.crypto.AuditKey;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.Store;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import keyward.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SQLite store in a temporary directory, the audit key, and plain JDBC on the same file
 * for the tests that play the attacker (or the database holding a lock).
 */
abstract class AuditFixture {

    /** A bound on waits that only a broken log would reach. */
    static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    Store store;
    final AuditKey key = AuditKey.generate();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    final void openStore() {
        store = openStore(5000);
    }

    @AfterEach
    final void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** Another store on the same database file, as a second process would open it. */
    Store openStore(int timeoutMs) {
        Store s = SqlStore.open(SqlOptions.sqlite(dbFile()).withTimeoutMs(timeoutMs));
        s.open();
        opened.add(s);
        return s;
    }

    /** A started log; closed after the test if the test did not close it. */
    AuditLog startLog(Store on, String node) {
        // a checkpoint per 100 entries (the default is 1000) keeps these tests small
        return started(new AuditLog(on, key, node, Clock.system(), AuditLog.DEFAULT_CAPACITY, Duration.ofSeconds(1),
                100, Duration.ofHours(1)));
    }

    /** The head file of the instance these tests play, in the temporary data dir. */
    HeadFile heads() {
        return new HeadFile(dir.resolve(HeadFile.NAME));
    }

    /** {@link #startLog} keeping heads in {@code heads}, as a server does. */
    AuditLog startLog(Store on, String node, HeadFile heads) {
        return started(new AuditLog(on, key, node, keyward.time.Clock.system(), AuditLog.DEFAULT_CAPACITY, Duration.ofSeconds(1),
                100, Duration.ofHours(1), heads));
    }

    /** Verification against the heads recorded in {@link #heads()}. */
    AuditVerifier.Result verifyWithHeads() {
        return AuditVerifier.verify(store, key, heads().read(), null);
    }

    AuditLog started(AuditLog log) {
        opened.add(log);
        log.start();
        return log;
    }

    AuditVerifier.Result verify() {
        return AuditVerifier.verify(store, key, null);
    }

    /** Every entry of the node, in stored order. */
    List<AuditRecord> entries(String node) {
        return entries(store, node);
    }

    static List<AuditRecord> entries(Store s, String node) {
        List<AuditRecord> all = new ArrayList<>();
        List<AuditRecord> page;
        do {
            long after = all.isEmpty() ? 0 : all.get(all.size() - 1).position();
            page = s.listAudit(new AuditQuery(after, 1000, node, null, null));
            all.addAll(page);
        } while (!page.isEmpty());
        return all;
    }

    AuditRecord entry(String node, long seq) {
        return entries(node).stream().filter(r -> r.seq() == seq).findFirst().orElseThrow();
    }

    Path dbFile() {
        return dir.resolve("keyward.db");
    }

    /** A plain JDBC connection to the database file, bypassing the store. */
    Connection jdbc() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile().toAbsolutePath());
        opened.add(c);
        return c;
    }

    /** Runs one statement straight on the database; returns the rows it changed. */
    int sql(String statement, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile().toAbsolutePath());
             PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** {@code count} entries of {@code user}, the i-th naming key-i. */
    static void record(AuditTrail log, int count, String user) {
        for (int i = 0; i < count; i++) {
            log.record(user, "encrypt", "key-" + i, "ok", "10.0.0." + (i % 250));
        }
    }
}
