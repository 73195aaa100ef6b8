package keyward.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import keyward.Poll;
import keyward.TestNode;
import keyward.cli.Cli;
import keyward.store.TcpProxy;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real 3-node Galera cluster (dev/galera.sh) with one Keyward instance on each node, each URL
 * naming all three nodes (its own first; instance 0 reaches its node through a TCP proxy), under
 * a mixed write load while faults hit the cluster: a node killed with SIGKILL and started again
 * (it rejoins by a state transfer), the link between instance 0 and its node cut, a node cut off
 * the cluster (it leaves the primary component and answers error 1047). Every client-visible
 * error must be a 503 with Retry-After within the database timeout, every acknowledged write must
 * be on every instance afterwards, every ciphertext must decrypt, and each instance's audit chain
 * must verify although the nodes interleave auto-increment positions. Before the load, two
 * instances migrating one new database through two nodes at once migrate it exactly once (GET_LOCK
 * is node-local).
 */
@Tag("clusters")
class GaleraClusterTest {
    private static final int DB_TIMEOUT_MS = 2000;
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @Test
    void threeNodes_mixedLoadUnderFaults_loseNothing() throws Exception {
        try (DevCluster galera = new DevCluster("dev/galera.sh", "3")) {
            String url = galera.url();
            List<String> hosts = galera.hosts();
            assertEquals(3, hosts.size(), url);
            assertEquals("3", galera.run("sql", "1", "SELECT @@auto_increment_increment").strip(),
                    "Galera interleaves auto-increment values across the nodes");

            migratingThroughTwoNodesAtOnce_migratesOnce(galera, hosts);

            Path data = Files.createTempDirectory("kw-galera-data-");
            String admin = TestNode.init(data, "--database-type=mysql", "--database-url=" + url);
            List<TestNode> nodes = new ArrayList<>();
            try (TcpProxy link0 = new TcpProxy("127.0.0.1", port(hosts.get(0)))) {
                for (int i = 0; i < 3; i++) {
                    List<String> order = new ArrayList<>();
                    order.add(i == 0 ? "127.0.0.1:" + link0.port() : hosts.get(i));
                    for (int j = 0; j < 3; j++) {
                        if (j != i) {
                            order.add(hosts.get(j));
                        }
                    }
                    nodes.add(DevCluster.mysqlInstance(data, String.join(",", order), "galera-" + i, DB_TIMEOUT_MS));
                }
                List<String> bases = nodes.stream().map(TestNode::base).toList();
                try (MixedLoad load = new MixedLoad("galera", bases, admin, 3, Duration.ofMillis(DB_TIMEOUT_MS + 1500))) {
                    load.start();
                    load.awaitSuccesses(100);

                    load.phase("SIGKILL node 2");
                    galera.run("kill", "2");
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);

                    load.phase("node 2 restarted (state transfer)");
                    System.out.print(galera.run("start-node", "2"));
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);

                    load.phase("link cut: instance 0 to node 1 (TCP proxy)");
                    link0.cut();
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);
                    link0.restore();

                    load.phase("node 3 isolated (non-primary, error 1047)");
                    galera.run("isolate", "3", "on");
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);

                    load.phase("node 3 rejoined");
                    galera.run("isolate", "3", "off");
                    Poll.until("node 3 synced again", RECOVERY, () -> synced(galera) == 3);
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);
                    load.stop();
                    MixedLoad.Verified verified = load.verify(Duration.ofSeconds(30));
                    System.out.println("[clusters] galera certification failures (wsrep_local_cert_failures, all nodes): "
                            + certFailures(galera));
                    load.assertKept(verified, 300);
                }
                nodes.forEach(TestNode::close);  // each writes its last audit entries and checkpoint
                nodes.clear();
                String audit = cli("verify-audit", "--data-dir", data.toString(), "--database-type=mysql", "--database-url=" + url);
                System.out.println("[clusters] galera " + audit.strip());
                assertTrue(audit.contains("audit log verified"), audit);
            } finally {
                nodes.forEach(TestNode::close);
                TestNode.deleteTree(data);
            }
        }
    }

    /**
     * Two stores opening one new database at once through nodes 1 and 2: GET_LOCK would let both
     * migrate; the lease row makes one wait, and each step is recorded once.
     */
    private static void migratingThroughTwoNodesAtOnce_migratesOnce(DevCluster galera, List<String> hosts) throws Exception {
        galera.run("sql", "1", "CREATE DATABASE kw_migrate_once");
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String u = "mysql://keyward:keyward@" + hosts.get(i) + "/kw_migrate_once";
            opening.add(CompletableFuture.runAsync(() -> {
                try (SqlStore s = SqlStore.open(new SqlOptions("mysql", u, null, null, 2, 10_000, null))) {
                    s.open();
                }
            }));
        }
        for (CompletableFuture<Void> f : opening) {
            f.get(2, TimeUnit.MINUTES);
        }
        String counts = galera.run("sql", "2", "SELECT CONCAT(COUNT(*), '/', COUNT(DISTINCT version)) FROM kw_migrate_once.kw_schema_version");
        String lock = galera.run("sql", "2", "SELECT COUNT(*) FROM kw_migrate_once.kw_schema_lock");
        System.out.println("[clusters] galera: two instances migrating through two nodes at once recorded steps " + counts.strip());
        assertEquals("0", lock.strip(), "the schema lease was released");
        String n = counts.strip().substring(counts.strip().indexOf('/') + 1);
        assertEquals(n + "/" + n, counts.strip(), "every migration step recorded exactly once");
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static int synced(DevCluster galera) {
        String status = galera.run("status");
        return status.split("wsrep_local_state_comment=synced", -1).length - 1;
    }

    private static long certFailures(DevCluster galera) {
        long sum = 0;
        for (int n = 1; n <= 3; n++) {
            String v = galera.run("sql", String.valueOf(n),
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_cert_failures'");
            sum += Long.parseLong(v.strip());
        }
        return sum;
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return "exit " + code + ": " + out.toString(StandardCharsets.UTF_8);
    }
}
