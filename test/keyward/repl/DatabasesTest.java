package keyward.repl;

import java.util.List;
import java.util.Map;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/** Replication between a SQLite node, a PostgreSQL node and a MariaDB node. */
class DatabasesTest {

    @Test
    void sqlitePostgresAndMariadbNodes_replicateAndConverge() throws Exception {
        String pg = TestDatabases.createPostgresDatabase();
        String my = null;
        try {
            my = TestDatabases.createMysqlDatabase();
            List<List<String>> flags = List.of(List.of(),
                    List.of("--database-type=postgresql", "--database-url=" + pg + "?user=postgres"),
                    List.of("--database-type=mysql", "--database-url=" + my + "?user=root"));
            try (Cluster c = new Cluster(3, true, flags).startAll()) {
                c.awaitJoined();
                String onPg = MergeScenariosTest.createKey(c.admin(1), "made-on-postgres");
                String onMy = MergeScenariosTest.createKey(c.admin(2), "made-on-mariadb");
                String onLite = MergeScenariosTest.createKey(c.admin(0), "made-on-sqlite");
                c.admin(1).post("/v1/keys/" + onLite + "/rotate", Map.of());
                c.admin(2).put("/v1/keys/" + onPg + "/grants/*", Map.of("operations", List.of("get")));
                c.awaitConverged();
                Cluster.await("all keys everywhere", () -> {
                    for (int n = 0; n < 3; n++) {
                        for (String k : List.of(onPg, onMy, onLite)) {
                            if (c.admin(n).get("/v1/keys/" + k).status() != 200) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
            }
        } finally {
            TestDatabases.dropPostgresDatabase(pg);
            if (my != null) {
                TestDatabases.dropMysqlDatabase(my);
            }
        }
    }
}
