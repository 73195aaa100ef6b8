package keyward.store.sql;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ChangeCapture;
import keyward.store.ConflictException;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.PoolUsage;
import keyward.store.Replica;
import keyward.store.ReplicaTx;
import keyward.store.Store;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import keyward.time.Clock;

/**
 * The {@link Store} over raw JDBC for SQLite, PostgreSQL and MySQL/MariaDB: one implementation of
 * every statement, a {@link Dialect} for what differs, a small bounded {@link Pool}.
 *
 * <p>{@link #open(SqlOptions)} connects to nothing; {@link #open()} migrates the schema under a
 * database lock and needs the database. Afterwards every call borrows a connection for at most the
 * configured timeout, each statement is bounded by it too (inside a request, all the request's
 * database work together: {@link SqlDeadline}), and an unreachable database raises
 * {@link keyward.store.StoreUnavailableException}; the pool reconnects by itself once it is back.
 * Timestamps are stored at millisecond precision.
 *
 * <p>Sizes refused with {@link IllegalArgumentException}: ids 64 characters, names, tags, users,
 * algorithms, states and audit fields 255, attribute values and grants 16,000, hashes 64 bytes,
 * meta values 1 MiB, 1000 tags/attributes/grants per key. Tags keep their order; a repeated tag is
 * kept once. Thread-safe.
 *
 * <p>Every key, user and token write takes one path ({@link #write}): one transaction that, once
 * replication has enabled change capture ({@link #replica()}), also records the change.
 */
public final class SqlStore implements Store {

    private final String kind;
    private final int timeoutMs;
    private final Jdbc db;
    private final KeyReads keyReads;
    private final KeyWrites keyWrites;
    private final KeyBatches keyBatches;
    private final Locate locate;
    private final Accounts accounts;
    private final AuditLog audit;
    private final SqlReplica replica;
    private final List<PoolUsage> pools;
    private volatile ChangeCapture capture;

    private SqlStore(SqlOptions o, Clock clock) {
        Dialect dialect = Dialect.of(o.type());
        String url = JdbcUrls.toJdbc(o.type(), o.url());
        Properties props = dialect.driverDefaults(o.timeoutMs());
        props.putAll(JdbcUrls.credentials(o.type(), o.url()));
        if (o.user() != null) {
            props.setProperty("user", o.user());
        }
        if (o.password() != null) {
            props.setProperty("password", o.password());
        }
        props.putAll(o.extra());
        this.kind = dialect.kind();
        this.timeoutMs = o.timeoutMs();
        Hosts hosts = Hosts.of(kind, url);
        Pool reads = new Pool(kind, () -> hosts.connect(u -> connect(dialect, u, props, o.timeoutMs())), o.poolSize(),
                o.timeoutMs(), clock);
        Pool writes = !dialect.singleWriter() ? reads : new Pool(kind + " writer",
                () -> connect(dialect, url, SqliteDialect.writer(props), o.timeoutMs()), 1, o.timeoutMs(), clock);
        this.db = new Jdbc(dialect, reads, writes, o.timeoutMs(), clock);
        this.pools = reads == writes ? List.of(reads) : List.of(reads, writes);
        this.keyReads = new KeyReads(db);
        this.keyWrites = new KeyWrites(db, keyReads);
        this.keyBatches = new KeyBatches(db, keyReads);
        this.locate = new Locate(db, keyReads);
        this.accounts = new Accounts(db);
        this.audit = new AuditLog(db);
        this.replica = new SqlReplica(this, db);
    }

    @Override
    public List<PoolUsage> pools() {
        return pools;
    }

    /** The replication side of this store (changelog, vector, merged writes): every SQL store has one. */
    @Override
    public Optional<Replica> replica() {
        return Optional.of(replica);
    }

    void capture(ChangeCapture c) {
        this.capture = c;
    }

    SqlReplicaTx tx(Connection c) {
        return new SqlReplicaTx(c, db, keyReads, keyWrites, accounts);
    }

    /** Tells the capture what a write changed, in the write's transaction. */
    private interface Report<T> {
        void to(ChangeCapture capture, ReplicaTx tx, T result);
    }

    /**
     * The one path of key, user and token writes: {@code write} in one transaction. With change
     * capture enabled, the same transaction first lets the capture take its locks, then passes it
     * what changed through {@code report}: the change is committed with the write or not at all.
     */
    private <T> T write(String op, Jdbc.Work<T> write, Report<T> report) {
        ChangeCapture cc = capture;
        if (cc == null) {
            return db.write(op, write);
        }
        T written = db.write(op, c -> {
            SqlReplicaTx tx = tx(c);
            SqlReplicaTx.run(tx, t -> {
                cc.beforeWrite(t);
                return null;
            });
            T result = write.run(c);
            SqlReplicaTx.run(tx, t -> {
                report.to(cc, t, result);
                return null;
            });
            return result;
        });
        cc.committed();
        return written;
    }

    /** A store for {@code options}; connects on first use. Call {@link #open()} before anything else. */
    public static SqlStore open(SqlOptions options) {
        return open(options, Clock.system());
    }

    /** The same, with the clock its pool times idle connections by. */
    public static SqlStore open(SqlOptions options, Clock clock) {
        return new SqlStore(options, clock);
    }

    /** {@link SqlOptions} for a SQLite database in {@code file}. */
    public static SqlOptions sqlite(java.nio.file.Path file) {
        return SqlOptions.sqlite(file);
    }

    /**
     * Opens a connection. SQLite can answer BUSY while opening (switching a new file to WAL takes
     * a lock, before the busy timeout is in force), when several processes start at once: that is
     * retried until {@code timeoutMs}.
     */
    private static Connection connect(Dialect dialect, String url, Properties props, int timeoutMs) throws SQLException {
        dialect.beforeConnect(url);
        Driver driver = DriverManager.getDriver(url);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Connection c;
        while (true) {
            try {
                c = driver.connect(url, props);
                break;
            } catch (SQLException e) {
                if (!dialect.busyWhileOpening(e) || System.nanoTime() - deadline >= 0) {
                    throw ConnectFailure.of(dialect.kind(), url, props.getProperty("password"), e);
                }
                try {
                    Thread.sleep(5 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        if (c == null) {
            throw new SQLException(dialect.kind() + ": the driver does not accept this database url", "08001");
        }
        try {
            dialect.onConnect(c, timeoutMs);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Migrates the schema; waits for another instance's migration at most max(timeout, 60 s). */
    @Override
    public void open() {
        db.idempotent("migrate", c -> Migrations.run(c, db, Math.max(timeoutMs, 60_000)));
    }

    @Override
    public boolean ping() {
        try {
            return db.once("ping", false, c -> {
                try (PreparedStatement ps = db.prepare(c, "SELECT 1"); ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public void close() {
        db.close();
    }

    // ---- meta ----

    @Override
    public Optional<byte[]> getMeta(String name) {
        return db.once("getMeta", false, c -> {
            try (PreparedStatement ps = db.prepare(c, "SELECT value FROM kw_meta WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** A plain insert: exactly one of several racing callers stores its value. */
    @Override
    public boolean putMetaIfAbsent(String name, byte[] value) {
        checkMeta(name, value);
        return db.once("putMetaIfAbsent", true, c -> {
            try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_meta (name, value) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setBytes(2, value);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if (db.unique(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void putMeta(String name, byte[] value) {
        checkMeta(name, value);
        String sql = db.dialect.upsert("kw_meta", new String[] {"name"}, new String[] {"value"});
        db.once("putMeta", true, c -> {
            try (PreparedStatement ps = db.prepare(c, sql)) {
                ps.setString(1, name);
                ps.setBytes(2, value);
                return ps.executeUpdate();
            }
        });
    }

    private static void checkMeta(String name, byte[] value) {
        Limits.text("meta name", name, Limits.NAME, false);
        Limits.bytes("meta " + name, value, Limits.META, false);
    }

    // ---- keys ----

    @Override
    public void insertKey(KeyRecord key) throws ConflictException {
        write("insertKey", c -> {
            keyWrites.insert(c, key);
            return key;
        }, ChangeCapture::keyWritten);
    }

    @Override
    public Optional<KeyRecord> findKey(String id) {
        return findBy("findKey", "k.id", id);
    }

    @Override
    public Optional<KeyRecord> findKeyByName(String name) {
        return findBy("findKeyByName", "k.name", name);
    }

    private Optional<KeyRecord> findBy(String op, String column, String value) {
        if (value == null || value.length() > Limits.NAME) {
            return Optional.empty();
        }
        return db.read(op, c -> keyReads.complete(c, keyReads.rows(c,
                "SELECT " + KeyReads.COLUMNS + " FROM kw_keys k WHERE " + column + " = ?", List.of(value), 1)))
                .stream().findFirst();
    }

    @Override
    public KeyRecord updateKey(KeyRecord key) throws ConflictException {
        return write("updateKey", c -> keyWrites.update(c, key), ChangeCapture::keyWritten);
    }

    /** One transaction of prepared-statement batches ({@link KeyBatches}); the capture records every key. */
    @Override
    public void insertKeys(List<KeyRecord> keys) throws ConflictException {
        Store.checkBulk(keys);
        if (keys.isEmpty()) {
            return;
        }
        try {
            write("insertKeys", c -> {
                keyBatches.insert(c, keys);
                return keys;
            }, SqlStore::keysWritten);
        } catch (ConflictException e) {
            throw refusal(keys, e);
        }
    }

    /** Which key of a refused bulk insert clashed, for the message: the batch only says that one did. */
    private ConflictException refusal(List<KeyRecord> keys, ConflictException e) {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (KeyRecord k : keys) {
            if (!ids.add(k.id()) || findKey(k.id()).isPresent()) {
                return new ConflictException(ConflictException.Kind.ALREADY_EXISTS, "key " + k.id() + " already exists");
            }
            if (k.name() != null && (!names.add(k.name()) || findKeyByName(k.name()).isPresent())) {
                return new ConflictException(ConflictException.Kind.NAME_TAKEN, "key name '" + k.name()
                        + "' is already taken");
            }
        }
        return e;
    }

    @Override
    public List<String> updateKeys(List<KeyRecord> keys) throws ConflictException {
        Store.checkBulk(keys);
        if (keys.isEmpty()) {
            return List.of();
        }
        List<KeyRecord> stored;
        try {
            stored = write("updateKeys", c -> keyBatches.update(c, keys), SqlStore::keysWritten);
        } catch (ConflictException e) {
            throw new ConflictException(ConflictException.Kind.NAME_TAKEN, "a new name of one of the keys is already taken");
        }
        return notStored(keys, stored);
    }

    /** The ids of {@code keys} that a bulk compare-and-set did not store (changed meanwhile, or gone), in order. */
    private static List<String> notStored(List<KeyRecord> keys, List<KeyRecord> stored) {
        Set<String> written = new HashSet<>();
        stored.forEach(k -> written.add(k.id()));
        return keys.stream().map(KeyRecord::id).filter(id -> !written.contains(id)).toList();
    }

    @Override
    public List<String> rewrapKeys(List<KeyRecord> keys) {
        Store.checkBulk(keys);
        if (keys.isEmpty()) {
            return List.of();
        }
        return notStored(keys, write("rewrapKeys", c -> keyBatches.rewrap(c, keys), SqlStore::keysWritten));
    }

    @Override
    public void refreshStatistics() {
        String analyze = db.dialect.analyzeStatement();
        if (analyze == null) {
            return;
        }
        db.idempotent("refreshStatistics", c -> {
            List<String> tables = new java.util.ArrayList<>();
            try (PreparedStatement ps = db.prepare(c, "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = " + db.dialect.currentSchema() + " AND table_name LIKE 'kw\\_%'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (PreparedStatement ps = db.prepare(c, analyze + " " + t)) {
                    ps.execute();
                }
            }
            return null;
        });
    }

    @Override
    public long countVersionsUnder(String kekId) {
        return db.read("countVersionsUnder", c -> {
            try (PreparedStatement ps = db.prepare(c,
                    "SELECT COUNT(*) FROM kw_key_versions WHERE kek_id = ? AND wrapped IS NOT NULL")) {
                ps.setString(1, kekId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static void keysWritten(ChangeCapture cc, ReplicaTx tx, List<KeyRecord> stored) {
        for (KeyRecord k : stored) {
            cc.keyWritten(tx, k);
        }
    }

    @Override
    public KeyPage locate(KeyQuery query) {
        return locate.run(query);
    }

    @Override
    public List<String> dueForDestruction(Instant now, int limit) {
        return dueIds("dueForDestruction", KeyState.PENDING_DESTRUCTION.wire(), "destroy_at", now, limit);
    }

    @Override
    public List<String> dueForRotation(Instant now, int limit) {
        return dueIds("dueForRotation", KeyState.ACTIVE.wire(), "rotate_at", now, limit);
    }

    /** Most overdue first. */
    private List<String> dueIds(String op, String state, String column, Instant now, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException(op + " limit must be 1..10000");
        }
        return db.once(op, false, c -> {
            try (PreparedStatement ps = db.prepare(c, "SELECT id FROM kw_keys WHERE state = ? AND " + column
                    + " <= ? ORDER BY " + column + ", id LIMIT " + limit)) {
                ps.setString(1, state);
                ps.setLong(2, now.toEpochMilli());
                List<String> ids = new java.util.ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    // ---- users and tokens ----

    @Override
    public void insertUser(UserRecord user) throws ConflictException {
        write("insertUser", c -> accounts.insertUser(c, user), (cc, tx, n) -> cc.userWritten(tx, user.name(), user));
    }

    @Override
    public Optional<UserRecord> findUser(String name) {
        return accounts.findUser(name);
    }

    @Override
    public List<UserRecord> listUsers() {
        return accounts.listUsers();
    }

    @Override
    public boolean deleteUser(String name) {
        return write("deleteUser", c -> accounts.deleteUser(c, name), (cc, tx, gone) -> {
            for (String id : gone.keys()) {
                tx.key(id).ifPresent(k -> cc.keyWritten(tx, k));
            }
            for (TokenRecord t : gone.tokens()) {
                cc.tokenWritten(tx, t.user(), t.id(), null);
            }
            if (gone.user()) {
                cc.userWritten(tx, name, null);
            }
        }).user();
    }

    @Override
    public void insertToken(TokenRecord token) {
        write("insertToken", c -> accounts.insertToken(c, token),
                (cc, tx, n) -> cc.tokenWritten(tx, token.user(), token.id(), token));
    }

    @Override
    public Optional<TokenRecord> findTokenByHash(byte[] hash) {
        return accounts.findTokenByHash(hash);
    }

    @Override
    public List<TokenRecord> listTokens(String user) {
        return accounts.listTokens(user);
    }

    @Override
    public boolean deleteToken(String user, String tokenId) {
        return write("deleteToken", c -> accounts.deleteToken(c, user, tokenId), (cc, tx, deleted) -> {
            if (deleted) {
                cc.tokenWritten(tx, user, tokenId, null);
            }
        });
    }

    // ---- audit ----

    @Override
    public void appendAudit(List<AuditRecord> entries, AuditCheckpoint checkpoint) throws ConflictException {
        audit.append(entries, checkpoint);
    }

    @Override
    public List<AuditRecord> listAudit(AuditQuery query) {
        return audit.list(query);
    }

    @Override
    public Optional<AuditRecord> lastAudit(String node) {
        return audit.last(node);
    }

    @Override
    public List<String> auditNodes() {
        return audit.nodes();
    }

    @Override
    public void putCheckpoint(AuditCheckpoint checkpoint) {
        audit.putCheckpoint(checkpoint);
    }

    @Override
    public List<AuditCheckpoint> checkpoints(String node) {
        return audit.checkpoints(node);
    }

    @Override
    public List<AuditCheckpoint> newestCheckpoints() {
        return audit.newestCheckpoints();
    }

    @Override
    public keyward.store.AuditIndex auditIndex() {
        return AuditRanges.load(db);
    }

    // ---- jobs ----

    /**
     * A conditional update (the holder renews; anyone takes an expired lease), else an insert; a
     * unique violation on the insert means another instance claimed the lease first.
     */
    @Override
    public boolean claimLease(String name, String holder, Instant now, Duration lease) {
        Limits.text("lease name", name, Limits.NAME, false);
        Limits.text("lease holder", holder, Limits.NAME, false);
        long until = now.plus(lease).toEpochMilli();
        return db.once("claimLease", true, c -> {
            try (PreparedStatement ps = db.prepare(c, "UPDATE kw_leases SET holder = ?, until_ms = ?"
                    + " WHERE name = ? AND (holder = ? OR until_ms < ?)")) {
                ps.setString(1, holder);
                ps.setLong(2, until);
                ps.setString(3, name);
                ps.setString(4, holder);
                ps.setLong(5, now.toEpochMilli());
                if (ps.executeUpdate() > 0) {
                    return true;
                }
            }
            try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_leases (name, holder, until_ms) VALUES (?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setLong(3, until);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if (db.unique(e)) {
                    return false;
                }
                throw e;
            }
        });
    }
}
