package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DialectTest {

    private final Dialect postgres = new PostgresDialect();
    private final Dialect mysql = new MysqlDialect();
    private final Dialect sqlite = new SqliteDialect();

    @Test
    void classify_connectionFailures_areUnavailable() {
        assertEquals(Dialect.Failure.UNAVAILABLE, postgres.classify(new SQLException("refused", "08001")));
        assertEquals(Dialect.Failure.UNAVAILABLE, postgres.classify(new SQLException("I/O error", "08006")));
        assertEquals(Dialect.Failure.UNAVAILABLE, mysql.classify(new SQLException("Communications link failure", "08S01")));
        assertEquals(Dialect.Failure.UNAVAILABLE, mysql.classify(new SQLException("x", null, 0, new ConnectException("refused"))));
        assertEquals(Dialect.Failure.UNAVAILABLE, postgres.classify(new SQLException("read only", "25006")));
        assertEquals(Dialect.Failure.UNAVAILABLE, postgres.classify(new SQLException("shutting down", "57P01")));
        assertEquals(Dialect.Failure.UNAVAILABLE, sqlite.classify(new SQLiteException("disk I/O error", SQLiteErrorCode.SQLITE_IOERR)));
    }

    @Test
    void classify_deadlocksSerializationFailuresAndTimeouts_areRetryLater() {
        assertEquals(Dialect.Failure.RETRY, postgres.classify(new SQLException("canceled", "57014")));
        assertEquals(Dialect.Failure.RETRY, postgres.classify(new SQLException("deadlock detected", "40P01")));
        assertEquals(Dialect.Failure.RETRY, postgres.classify(new SQLException("could not serialize", "40001")));
        assertEquals(Dialect.Failure.RETRY, postgres.classify(new SQLException("lock timeout", "55P03")));
        assertEquals(Dialect.Failure.RETRY, mysql.classify(new SQLException("lock wait", "HY000", 1205)));
        assertEquals(Dialect.Failure.RETRY, mysql.classify(new SQLException("deadlock", "40001", 1213)));
        assertEquals(Dialect.Failure.RETRY, mysql.classify(new SQLException("interrupted", "70100", 1317)));
        assertEquals(Dialect.Failure.RETRY, mysql.classify(new SQLException("max_execution_time", "HY000", 3024)));
        assertEquals(Dialect.Failure.RETRY, mysql.classify(new SQLTimeoutException("timeout")));
        assertEquals(Dialect.Failure.RETRY, sqlite.classify(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)));
        assertEquals(Dialect.Failure.RETRY, sqlite.classify(new SQLiteException("interrupted", SQLiteErrorCode.SQLITE_INTERRUPT)));
    }

    @Test
    void classify_aLostConnectionBehindARetryableState_isUnavailable() {
        SQLException deadlock = new SQLException("deadlock detected", "40P01");
        deadlock.setNextException(new SQLException("I/O error", "08006"));
        assertEquals(Dialect.Failure.UNAVAILABLE, postgres.classify(deadlock));
    }

    @Test
    void classify_uniqueViolations_evenInsideABatch_areUnique() {
        assertEquals(Dialect.Failure.UNIQUE, postgres.classify(new SQLException("dup", "23505")));
        BatchUpdateException batch = new BatchUpdateException("batch failed", "23000", 0, new int[0]);
        batch.setNextException(new SQLException("dup", "23000", 1062));
        assertEquals(Dialect.Failure.UNIQUE, mysql.classify(batch));
    }

    @Test
    void classify_otherErrors_areOther() {
        assertEquals(Dialect.Failure.OTHER, postgres.classify(new SQLException("syntax", "42601")));
        assertEquals(Dialect.Failure.OTHER, mysql.classify(new SQLException("no such table", "42S02", 1146)));
        assertEquals(Dialect.Failure.OTHER, postgres.classify(new SQLException("not null", "23502")));
    }

    @Test
    void upsert_hasTheDialectsSyntax() {
        String[] key = {"name"};
        String[] value = {"value"};
        assertEquals("INSERT INTO kw_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                postgres.upsert("kw_meta", key, value));
        assertEquals("INSERT INTO kw_meta (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
                mysql.upsert("kw_meta", key, value));
    }
}
