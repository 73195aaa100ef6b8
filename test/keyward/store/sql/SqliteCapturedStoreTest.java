package keyward.store.sql;

import java.nio.file.Path;
import keyward.store.CapturedStoreConformanceTest;
import keyward.store.Store;

/** The conformance suite on SQLite with change capture on, a new database file per test. */
class SqliteCapturedStoreTest extends CapturedStoreConformanceTest {

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
