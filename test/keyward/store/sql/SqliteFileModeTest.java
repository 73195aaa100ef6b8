package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import keyward.TestNode;
import keyward.store.UserRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQLite database and its -wal and -shm files are owner-only, whatever the umask. */
class SqliteFileModeTest {
    Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory("kw-mode-");
    }

    @AfterEach
    void removeDir() {
        TestNode.deleteTree(dir);
    }

    @Test
    void newDatabase_walAndShm_areCreated0600_underAUmaskThatWouldGive0644() throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        assertTrue(Files.getPosixFilePermissions(probe).contains(PosixFilePermission.OTHERS_READ),
                "precondition: this JVM's umask lets others read new files (022), as a shell's does");

        Path db = dir.resolve("keyward.db");
        SqlStore store = SqlStore.open(SqlStore.sqlite(db));
        try {
            store.open();
            store.insertUser(new UserRecord("mode-check", false, java.time.Instant.EPOCH));
            for (String name : List.of("keyward.db", "keyward.db-wal", "keyward.db-shm")) {
                Path f = dir.resolve(name);
                assertTrue(Files.exists(f), name + " exists while the store is open");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), name);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void existingDatabase_keepsTheModeTheOperatorGaveIt() throws Exception {
        Path db = Files.createFile(dir.resolve("keyward.db"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        SqlStore store = SqlStore.open(SqlStore.sqlite(db));
        try {
            store.open();
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        } finally {
            store.close();
        }
    }
}
