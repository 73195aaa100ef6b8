package keyward.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import keyward.store.Store;
import keyward.store.StoreConformanceTest;

/** The conformance suite on SQLite, a new database file per test. */
class SqliteStoreTest extends StoreConformanceTest {

    private Path dir;

    @Override
    protected Store newStore() {
        try {
            dir = Files.createTempDirectory("kw-sqlite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SqlStore s = SqlStore.open(SqlOptions.sqlite(dir.resolve("keyward.db")));
        s.open();
        return s;
    }

    @Override
    protected Store openSameStore() {
        SqlStore s = SqlStore.open(SqlOptions.sqlite(dir.resolve("keyward.db")));
        s.open();
        return s;
    }

    @Override
    protected void dropStore() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
