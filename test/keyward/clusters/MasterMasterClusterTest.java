package keyward.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import keyward.Poll;
import keyward.TestNode;
import keyward.store.TcpProxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real MariaDB master-master pair (dev/mariadb-master-master.sh: each server a replica of the
 * other, semi-synchronous, one writer at a time) with one Keyward instance on each server, as
 * docs/ha.md sets it up: both URLs name both servers, each its own first, and both instances write
 * to the one writable server. Under a mixed write load: the replication link from the writer to the
 * other server is cut (a TCP proxy) and restored; the writer is killed with SIGKILL and the other
 * promoted (the operator's failover); the old writer comes back read-only and catches up. Exactly
 * the guarantee of docs/ha.md is checked: only 503 with Retry-After in time, every acknowledged
 * write on every instance and on both servers, every ciphertext decrypting, and the replication
 * threads of both servers still running without an error (no conflict).
 */
@Tag("clusters")
class MasterMasterClusterTest {
    private static final int DB_TIMEOUT_MS = 2000;
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final String CHECKSUM = "CHECKSUM TABLE keyward.kw_keys, keyward.kw_key_versions, keyward.kw_key_grants,"
            + " keyward.kw_users, keyward.kw_audit_blocks";

    @Test
    void oneWriterAtATime_mixedLoadUnderFaults_loseNothing() throws Exception {
        try (DevCluster pair = new DevCluster("dev/mariadb-master-master.sh")) {
            String url = pair.url();
            List<String> hosts = pair.hosts();
            Path data = Files.createTempDirectory("kw-mm-data-");
            String admin = TestNode.init(data, "--database-type=mysql", "--database-url=" + url);
            List<TestNode> nodes = new ArrayList<>();
            try (TcpProxy replication = new TcpProxy("127.0.0.1", port(hosts.get(0)))) {
                pair.run("link", "2", String.valueOf(replication.port()));  // server 2 replicates server 1 through the proxy
                for (int i = 0; i < 2; i++) {
                    String order = i == 0 ? hosts.get(0) + "," + hosts.get(1) : hosts.get(1) + "," + hosts.get(0);
                    nodes.add(DevCluster.mysqlInstance(data, order, "mm-" + i, DB_TIMEOUT_MS));
                }
                List<String> bases = nodes.stream().map(TestNode::base).toList();
                try (MixedLoad load = new MixedLoad("master-master", bases, admin, 3, Duration.ofMillis(DB_TIMEOUT_MS + 1500))) {
                    load.start();
                    load.awaitSuccesses(100);

                    load.phase("replication link cut: server 1 to server 2 (TCP proxy)");
                    replication.cut();
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);
                    replication.restore();
                    Poll.until("server 2 caught up with server 1", RECOVERY, () -> caughtUp(pair));

                    load.phase("SIGKILL server 1 (the writer), server 2 promoted");
                    pair.run("kill", "1");
                    System.out.print(pair.run("promote", "2"));
                    load.awaitRecovered(RECOVERY);
                    load.awaitSuccesses(60);

                    load.phase("server 1 restarted (read-only, catching up)");
                    System.out.print(pair.run("start-node", "1"));
                    load.awaitSuccesses(60);
                    load.stop();
                    load.assertKept(load.verify(Duration.ofSeconds(30)), 200);
                }
                Poll.until("server 1 caught up with server 2", RECOVERY, () -> caughtUp(pair));
                String status = pair.run("status");
                System.out.print("[clusters] master-master replication after the load:\n" + status);
                assertEquals(2, status.split("Slave_SQL_Running=Yes", -1).length - 1, "a replication thread stopped: " + status);
                assertEquals(2, status.split("Last_SQL_Errno=0", -1).length - 1, "a replication error: " + status);
                assertEquals(pair.run("sql", "2", CHECKSUM), pair.run("sql", "1", CHECKSUM), "the servers diverged");
            } finally {
                nodes.forEach(TestNode::close);
                TestNode.deleteTree(data);
            }
        }
    }

    /** Both servers' binlog positions are applied on the other (the GTID sets match). */
    private static boolean caughtUp(DevCluster pair) {
        try {
            String a = pair.run("sql", "1", "SELECT @@gtid_current_pos").strip();
            String b = pair.run("sql", "2", "SELECT @@gtid_current_pos").strip();
            return sorted(a).equals(sorted(b));
        } catch (RuntimeException e) {
            return false;  // a server still starting
        }
    }

    private static List<String> sorted(String gtids) {
        List<String> l = new ArrayList<>(List.of(gtids.split(",")));
        l.replaceAll(String::strip);
        l.sort(null);
        return l;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
