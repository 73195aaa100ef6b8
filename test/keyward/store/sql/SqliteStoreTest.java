package keyward.store.sql;

import java.nio.file.Path;
import keyward.store.Store;
import keyward.store.StoreConformanceTest;

/** The conformance suite on SQLite, a new database file per test. */
class SqliteStoreTest extends StoreConformanceTest {

    private Path dir;

    @Override
    protected Store newStore() {
        dir = SqlTestSupport.newSqliteDir();
        return SqlTestSupport.openSqlite(dir);
    }

    @Override
    protected Store openSameStore() {
        return SqlTestSupport.openSqlite(dir);
    }

    @Override
    protected void dropStore() {
        SqlTestSupport.delete(dir);
    }
}
