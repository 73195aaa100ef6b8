package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import keyward.store.Store;
import keyward.store.StoreConformanceTest;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conformance suite on PostgreSQL: one database for the class, emptied before each test. */
class PostgresStoreTest extends StoreConformanceTest {

    private static String url;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabases.createPostgresDatabase();
    }

    @AfterAll
    static void dropDatabase() {
        if (url != null) {
            TestDatabases.dropPostgresDatabase(url);
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

    /** After a bulk load the planner must know the tables' sizes, else lookups of many ids read whole tables. */
    @Test
    void refreshStatistics_analyzesEveryKeywardTable() throws Exception {
        for (int i = 0; i < 20; i++) {
            insert(key(newId()));
        }
        store.refreshStatistics();
        try (Connection c = SqlTestSupport.connect(TestDatabases.options(url)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE last_analyze IS NULL), count(*),"
                     + " max(n_live_tup) FILTER (WHERE relname = 'kw_keys') FROM pg_stat_user_tables"
                     + " WHERE relname LIKE 'kw\\_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "tables not analyzed, of " + rs.getInt(2));
            assertEquals(20, rs.getLong(3), "the planner's row count of kw_keys");
        }
    }
}
