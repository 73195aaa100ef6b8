package keyward.store.sql;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite: WAL with {@code synchronous=FULL} (a committed transaction survives a crash of the process
 * and of the machine), foreign keys not enforced (schema step 6), and one writer. Writes run on their own connection whose
 * transactions begin IMMEDIATE, so a write never fails half-way on lock upgrade; reads run in
 * parallel on the other connections, each on a WAL snapshot.
 */
final class SqliteDialect extends Dialect {

    @Override
    String kind() {
        return "sqlite";
    }

    @Override
    Properties driverDefaults(int timeoutMs) {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        p.setProperty("foreign_keys", "false");
        p.setProperty("busy_timeout", Integer.toString(timeoutMs));
        return p;
    }

    /**
     * Properties of the writer connection. Its page cache is 64 MB, not SQLite's 2 MB: a bulk
     * write (restore, refresh, catch-up) inserts into indexes in no particular order (names,
     * tags), and with a small cache nearly every insert spilled a page and read another back.
     */
    static Properties writer(Properties p) {
        Properties w = new Properties();
        w.putAll(p);
        w.setProperty("transaction_mode", "IMMEDIATE");
        w.setProperty("cache_size", Integer.toString(-WRITER_CACHE_KB));
        return w;
    }

    /** The writer connection's page cache, in KiB. */
    static final int WRITER_CACHE_KB = 64 * 1024;

    /**
     * WAL pages (of 4 KiB) after which a commit copies the WAL into the database file: 10,000, not
     * SQLite's 1,000, which a bulk write's batch of 2,000 keys passed at every commit (a catch-up
     * of a million keys spent 19.0 s in its 500 commits, 17.2 s with this).
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;

    @Override
    void onConnect(Connection c, int timeoutMs) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
        }
    }

    @Override
    boolean singleWriter() {
        return true;
    }

    /** Dropping a constraint would rebuild the table: the foreign keys stay declared, and {@code foreign_keys} is off. */
    @Override
    String dropForeignKey(String column, String table) {
        return "";
    }

    @Override
    String ddl(String placeholder) {
        return switch (placeholder) {
            case "ID", "NAME", "TEXT" -> "TEXT";
            case "BLOB", "HASH" -> "BLOB";
            case "BIGINT", "INT" -> "INTEGER";
            case "SERIAL" -> "INTEGER PRIMARY KEY AUTOINCREMENT";
            case "TABLE" -> "";
            case "CREATE_INDEX" -> "CREATE INDEX IF NOT EXISTS";
            case "POSITION_BUCKET" -> "position / 10000";
            default -> throw new IllegalArgumentException("unknown DDL placeholder " + placeholder);
        };
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    /** The writer's transaction began IMMEDIATE: it holds the database's write lock already. */
    @Override
    void lockSchema(Connection c, int waitMs) {
    }

    @Override
    boolean isUnique(SQLException e) {
        return e instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    /** DDL is transactional here; only a step redone by hand finds a column it adds already there. */
    @Override
    boolean alreadyApplied(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("duplicate column name");
    }

    @Override
    boolean inProcess() {
        return true;
    }

    /**
     * Creates a missing database file as 0600 whatever the umask: SQLite would create it 0644
     * under the usual shell umask, and gives the {@code -wal} and {@code -shm} files the main
     * file's mode, so all three stay owner-only. An existing file keeps the mode it has. Special
     * names (":memory:", "file:" URIs) and a file that appears meanwhile are left to the driver.
     */
    @Override
    void beforeConnect(String jdbcUrl) throws SQLException {
        String name = jdbcUrl.substring("jdbc:sqlite:".length());
        if (name.isEmpty() || name.startsWith(":") || name.startsWith("file:") || name.contains("?")) {
            return;
        }
        Path file;
        try {
            file = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return; // the driver refuses it with its own words
        }
        if (Files.exists(file) || !Files.isDirectory(file.toAbsolutePath().getParent())) {
            return; // a missing directory is the driver's error to report, with its words
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        } catch (FileAlreadyExistsException e) {
            // another connection or process made it first: it made it the same way
        } catch (IOException e) {
            throw new SQLException("sqlite: cannot create the database file " + file + ": " + e.getMessage(), "08001", e);
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @Override
    boolean busyWhileOpening(SQLException e) {
        return e instanceof SQLiteException s && s.getResultCode().name().startsWith("SQLITE_BUSY");
    }

    /** A file that cannot be opened or written: the database is unavailable. */
    @Override
    boolean isUnavailable(SQLException e) {
        if (e instanceof SQLiteException s) {
            String code = s.getResultCode().name();
            return code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN") || code.equals("SQLITE_FULL")
                    || code.startsWith("SQLITE_READONLY");
        }
        return super.isUnavailable(e);
    }

    /** Busy or locked past busy_timeout, or interrupted by the statement timeout: the connection is fine. */
    @Override
    boolean isRetryLater(SQLException e) {
        if (e instanceof SQLiteException s) {
            String code = s.getResultCode().name();
            return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || code.equals("SQLITE_INTERRUPT");
        }
        return super.isRetryLater(e);
    }
}
