package keyward.store.sql;

import keyward.store.CapturedStoreConformanceTest;
import keyward.store.Store;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite on MariaDB (MySQL dialect) with change capture on:
 * one database for the class, emptied before each test.
 */
class MysqlCapturedStoreTest extends CapturedStoreConformanceTest {

    private static String url;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabases.createMysqlDatabase();
    }

    @AfterAll
    static void dropDatabase() {
        if (url != null) {
            TestDatabases.dropMysqlDatabase(url);
        }
    }

    @Override
    protected Store newStore() {
        return SqlTestSupport.openEmpty(TestDatabases.options(url));
    }

    @Override
    protected Store openSameStore() {
        SqlStore s = SqlStore.open(TestDatabases.options(url));
        s.open();
        return s;
    }
}
