package keyward.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import keyward.Http;
import keyward.TestNode;
import keyward.store.TestDatabases;
import keyward.time.Clock;

/**
 * Several Keyward instances (separate servers, separate pools) on one shared PostgreSQL or
 * MariaDB database made for the test, sharing one data dir's KEK, pepper and audit key, and one
 * clock (the system's unless a test passes one it moves).
 */
final class Cluster implements AutoCloseable {
    final String type;
    final String jdbcUrl;
    final Path dir;
    final List<TestNode> nodes = new ArrayList<>();
    final String adminToken;
    private final Clock clock;

    Cluster(String type, int instances, String... flags) throws IOException {
        this(type, instances, Clock.system(), flags);
    }

    Cluster(String type, int instances, Clock clock, String... flags) throws IOException {
        this.type = type;
        this.clock = clock;
        this.jdbcUrl = type.equals("postgresql") ? TestDatabases.createPostgresDatabase() : TestDatabases.createMysqlDatabase();
        this.dir = Files.createTempDirectory("kw-cluster-");
        this.adminToken = TestNode.init(dir, dbFlags(null));
        for (int i = 0; i < instances; i++) {
            nodes.add(start(i, null, flags));
        }
    }

    /** Flags pointing at the shared database, optionally through a proxy port. */
    String[] dbFlags(Integer proxyPort) {
        String port = proxyPort != null ? String.valueOf(proxyPort) : (type.equals("postgresql") ? "5432" : "3306");
        return flagsVia("127.0.0.1:" + port);
    }

    /** Flags pointing at the shared database through {@code hosts}, a comma-separated list of host:port. */
    String[] flagsVia(String hosts) {
        String url = jdbcUrl.replace("jdbc:", "");
        String scheme = type.equals("postgresql") ? "postgres://postgres@" : "mysql://root@";
        String db = url.substring(url.lastIndexOf('/') + 1);
        return new String[] {"--database-type=" + type, "--database-url=" + scheme + hosts + "/" + db};
    }

    TestNode start(int i, Integer proxyPort, String... flags) throws IOException {
        return startWith(i, dbFlags(proxyPort), flags);
    }

    /** An instance on the shared database through {@code hosts} (host:port, comma-separated). */
    TestNode startVia(int i, String hosts, String... flags) throws IOException {
        return startWith(i, flagsVia(hosts), flags);
    }

    private TestNode startWith(int i, String[] dbFlags, String... flags) throws IOException {
        List<String> all = new ArrayList<>(List.of(dbFlags));
        all.add("--node-name=instance-" + i + "-" + System.nanoTime());
        all.addAll(List.of(flags));
        return TestNode.startIn(dir, false, clock, all.toArray(String[]::new));
    }

    Http admin(int i) {
        return nodes.get(i).http(adminToken);
    }

    @Override
    public void close() {
        for (TestNode n : nodes) {
            n.close();
        }
        TestNode.deleteTree(dir);
        if (type.equals("postgresql")) {
            TestDatabases.dropPostgresDatabase(jdbcUrl);
        } else {
            TestDatabases.dropMysqlDatabase(jdbcUrl);
        }
    }
}
