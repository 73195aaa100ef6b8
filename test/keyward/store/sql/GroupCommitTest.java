package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import keyward.Poll;
import keyward.store.ConflictException;
import keyward.store.StoreUnavailableException;
import keyward.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Group commit on SQLite's single writer: shared commits, and each unit's own outcome. */
class GroupCommitTest {

    private Path dir;
    private Jdbc db;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kw-group-");
        String url = "jdbc:sqlite:" + dir.resolve("g.db");
        SqliteDialect dialect = new SqliteDialect();
        Properties props = dialect.driverDefaults(5000);
        Pool reads = new Pool("sqlite", () -> DriverManager.getConnection(url, props), 4, 5000, Clock.system());
        Pool writes = new Pool("sqlite writer", () -> DriverManager.getConnection(url, SqliteDialect.writer(props)), 1, 5000,
                Clock.system());
        db = new Jdbc(dialect, reads, writes, 5000, Clock.system());
        db.idempotent("create", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            return null;
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int insert(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'x')")) {
            ps.setInt(1, id);
            return ps.executeUpdate();
        }
    }

    private List<Integer> ids() {
        return db.read("ids", c -> {
            List<Integer> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM t ORDER BY id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        });
    }

    /**
     * Holds the writer inside one unit until {@code waiting} more units are queued behind it, then
     * lets all of them go: they share the next transaction.
     */
    private <T> List<Future<T>> queuedBehindOne(List<Jdbc.Work<T>> works) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = threads.submit(() -> db.write("hold", c -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return insert(c, 1000);
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        List<Future<T>> futures = new ArrayList<>();
        for (Jdbc.Work<T> w : works) {  // one at a time, so that they queue in this order
            int queued = db.group().queued();
            futures.add(threads.submit(() -> db.write("unit", w)));
            Poll.until("write " + futures.size() + " queued behind the first", () -> db.group().queued() > queued);
        }
        assertEquals(works.size(), db.group().queued());
        release.countDown();
        assertEquals(1, first.get(10, TimeUnit.SECONDS));
        return futures;
    }

    @Test
    void writesQueuedDuringACommit_shareTheNextOne_andAreStoredWhenAnswered() throws Exception {
        List<Jdbc.Work<Integer>> works = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int id = i;
            works.add(c -> insert(c, id));
        }
        long before = db.group().batches();
        for (Future<Integer> f : queuedBehindOne(works)) {
            assertEquals(1, f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(2, db.group().batches() - before, "the held unit's transaction, then one for the 20 behind it");
        assertEquals(21, ids().size());
    }

    @Test
    void aFailingUnit_isRolledBackAlone_andOnlyItsCallerSeesTheFailure() throws Exception {
        List<Jdbc.Work<Integer>> works = List.of(
                c -> insert(c, 1),
                c -> {
                    insert(c, 2);
                    throw new ConflictException(ConflictException.Kind.STALE, "changed meanwhile");
                },
                c -> insert(c, 1), // a unique violation: the unit before it already stored id 1
                c -> insert(c, 3));
        List<Future<Integer>> futures = queuedBehindOne(works);
        assertEquals(1, futures.get(0).get(10, TimeUnit.SECONDS));
        Exception stale = assertThrows(Exception.class, () -> futures.get(1).get(10, TimeUnit.SECONDS));
        assertInstanceOf(ConflictException.class, stale.getCause());
        Exception unique = assertThrows(Exception.class, () -> futures.get(2).get(10, TimeUnit.SECONDS));
        assertEquals(ConflictException.Kind.ALREADY_EXISTS, ((ConflictException) unique.getCause()).kind());
        assertEquals(1, futures.get(3).get(10, TimeUnit.SECONDS));
        assertEquals(List.of(1, 3, 1000), ids());
    }

    @Test
    void anUnavailableDatabase_failsTheWholeBatch_andStoresNoneOfIt() throws Exception {
        List<Jdbc.Work<Integer>> works = List.of(
                c -> insert(c, 1),
                c -> {
                    throw new SQLiteException("disk I/O error", SQLiteErrorCode.SQLITE_IOERR);
                },
                c -> insert(c, 3));
        List<Future<Integer>> futures = queuedBehindOne(works);
        for (Future<Integer> f : futures) {
            Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(StoreUnavailableException.class, e.getCause());
        }
        assertEquals(List.of(1000), ids());
        assertEquals(Integer.valueOf(1), db.<Integer>write("after", c -> insert(c, 4)), "the writer recovers");
        assertEquals(List.of(4, 1000), ids());
    }

    @Test
    void manyConcurrentWriters_eachStoredExactlyOnce_inFewerCommitsThanWrites() throws Exception {
        int writers = 16;
        int each = 50;
        long before = db.group().batches();
        List<Future<Void>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int base = w * each;
            futures.add(threads.submit(() -> {
                for (int i = 0; i < each; i++) {
                    int id = base + i;
                    assertEquals(Integer.valueOf(1), db.<Integer>write("insert", c -> insert(c, id)));
                    // answered means committed: a reader on another connection sees it at once
                    assertNotNull(db.read("check", c -> {
                        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
                            ps.setInt(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                return rs.next() ? rs.getString(1) : null;
                            }
                        }
                    }));
                }
                return null;
            }));
        }
        for (Future<Void> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(writers * each, ids().size());
        long batches = db.group().batches() - before;
        assertTrue(batches < writers * each, batches + " batches for " + writers * each + " writes");
    }
}
