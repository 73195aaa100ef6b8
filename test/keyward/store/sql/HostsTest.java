package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import keyward.store.StoreUnavailableException;
import keyward.store.TcpProxy;
import keyward.store.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A MySQL URL naming several servers (Galera, a master-master pair): split into one URL per
 * server; on the real MariaDB, a store whose first server is cut connects to the next at once and
 * stays there, and with every server gone the error names each one.
 */
class HostsTest {

    @Test
    void aPlainMultiHostMysqlUrl_isSplit_keepingPathAndParameters() {
        Hosts h = Hosts.of("mysql", "jdbc:mysql://db1:3306,db2:3307, db3/keyward?sslMode=REQUIRED");
        assertEquals(List.of("jdbc:mysql://db1:3306/keyward?sslMode=REQUIRED", "jdbc:mysql://db2:3307/keyward?sslMode=REQUIRED",
                "jdbc:mysql://db3/keyward?sslMode=REQUIRED"), h.urls());
        assertEquals(0, h.current());
    }

    @Test
    void oneHost_otherDatabases_andConnectorJsOwnSyntax_areUsedAsWritten() {
        for (String url : List.of("jdbc:mysql://db1:3306/keyward", "jdbc:mysql:loadbalance://db1,db2/keyward",
                "jdbc:mysql://(host=db1,port=3306),(host=db2)/keyward", "jdbc:mysql://[db1:3306,db2:3306]/keyward")) {
            assertEquals(List.of(url), Hosts.of("mysql", url).urls(), url);
        }
        assertEquals(List.of("jdbc:postgresql://a:5432,b:5432/db"), Hosts.of("postgresql", "jdbc:postgresql://a:5432,b:5432/db").urls());
    }

    @Test
    void aCutFirstServer_movesTheStoreToTheNext_andItStaysThere() throws Exception {
        TestDatabases.onNewMariadb(o -> {
            String db = o.url().substring(o.url().lastIndexOf('/'));
            try (TcpProxy first = new TcpProxy("127.0.0.1", 3306)) {
                first.cut();
                String url = "mysql://root@127.0.0.1:" + first.port() + ",127.0.0.1:3306" + db;
                try (SqlStore s = SqlStore.open(new SqlOptions("mysql", url, null, null, 2, 3000, null))) {
                    long t0 = System.nanoTime();
                    s.open();
                    s.putMeta("probe", new byte[] {1});
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 3000, "moving past a refusing server took " + ms + " ms");
                    first.restore();
                    assertEquals(1, s.getMeta("probe").orElseThrow()[0], "served by the second server");
                }
            }
        });
    }

    @Test
    void everyServerGone_isUnavailable_namingEachServer() throws Exception {
        try (TcpProxy a = new TcpProxy("127.0.0.1", 3306); TcpProxy b = new TcpProxy("127.0.0.1", 3306)) {
            a.cut();
            b.cut();
            String url = "mysql://root@127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port() + "/test";
            try (SqlStore s = SqlStore.open(new SqlOptions("mysql", url, null, null, 2, 1000, null))) {
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> s.getMeta("x"));
                assertTrue(e.getMessage().contains("no database server of the 2 named answers"), e.getMessage());
                assertTrue(e.getMessage().contains("127.0.0.1:" + a.port()) && e.getMessage().contains("127.0.0.1:" + b.port()),
                        e.getMessage());
                assertTrue(!e.getMessage().contains("Exception"), "no class names: " + e.getMessage());
            }
        }
    }

    @Test
    void theFailureOfNoServer_keepsEachServersWords() {
        SQLException one = new SQLException("cannot connect to the mysql database at h1:1/db: refused", "08001");
        SQLException two = new SQLException("the mysql server at h2:2/db is read-only (read_only=ON)", "08004");
        SQLException all = ConnectFailure.none(List.of(one, two));
        assertEquals("no database server of the 2 named answers: cannot connect to the mysql database at h1:1/db: refused;"
                + " the mysql server at h2:2/db is read-only (read_only=ON)", all.getMessage());
        assertEquals("08001", all.getSQLState());
    }
}
