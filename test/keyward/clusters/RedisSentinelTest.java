package keyward.clusters;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Poll;
import keyward.TestNode;
import keyward.store.TcpProxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis primary + replica + three Sentinels from dev/redis-sentinel.sh, every Redis server behind
 * a TCP proxy that the servers announce (so cutting one cuts it off from the replica, the
 * Sentinels and Keyward alike), two Keyward instances on {@code redis-sentinel://.../keyward},
 * under a mixed write load ({@link MixedLoad}), through a planned Sentinel failover, a network cut
 * that isolates the primary (the Sentinels fail over; the old primary comes back as a replica),
 * and a SIGKILL of the primary (the Sentinels fail over; the killed server is started again and
 * becomes a replica). With {@code redis_min_replicas = 1} no acknowledged write is lost and every
 * ciphertext decrypts; with 0 the test prints what the failovers lost. The same cluster with TLS
 * only ({@code rediss-sentinel://}, {@code redis_tls_ca_file}) goes through a planned failover and
 * a SIGKILL of the primary, and an instance that does not trust its CA is refused with a clear error.
 */
@Tag("clusters")
class RedisSentinelTest {
    private static final int DB_TIMEOUT_MS = 2000;
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @ParameterizedTest(name = "redis_min_replicas = {0}")
    @ValueSource(ints = {1, 0})
    void failovers_underMixedWrites(int minReplicas) throws Exception {
        int[] ports = PostgresFailoverTest.freePorts(5);
        try (TcpProxy toFirst = new TcpProxy("127.0.0.1", ports[0]);
             TcpProxy toSecond = new TcpProxy("127.0.0.1", ports[1]);
             DevCluster redis = new DevCluster("dev/redis-sentinel.sh", Integer.toString(ports[0]), Integer.toString(ports[1]),
                     Integer.toString(ports[2]), Integer.toString(ports[3]), Integer.toString(ports[4]),
                     Integer.toString(toFirst.port()), Integer.toString(toSecond.port()))) {
            Map<Integer, TcpProxy> byAnnouncedPort = Map.of(toFirst.port(), toFirst, toSecond.port(), toSecond);
            String url = redis.url();
            Path data = Files.createTempDirectory("kw-sentinel-");
            List<TestNode> nodes = new ArrayList<>();
            try {
                Path pw = data.resolve("redis.pass");
                Files.writeString(pw, "a long redis master password\n", StandardCharsets.UTF_8);
                List<String> db = List.of("--database-type=redis-findex", "--database-url=" + url,
                        "--redis-master-password-file=" + pw, "--redis-min-replicas=" + minReplicas);
                String admin = TestNode.init(data.resolve("kw"), db.toArray(String[]::new));
                for (int i = 0; i < 2; i++) {
                    List<String> flags = new ArrayList<>(db);
                    flags.addAll(List.of("--node-name=redis-" + minReplicas + "-" + i, "--db-timeout-ms=" + DB_TIMEOUT_MS,
                            "--db-pool-size=4", "--cache-ttl-ms=1000"));
                    nodes.add(TestNode.startIn(data.resolve("kw"), false, flags.toArray(String[]::new)));
                }
                String name = "redis-sentinel-min-replicas-" + minReplicas;
                List<String> bases = nodes.stream().map(TestNode::base).toList();
                try (MixedLoad load = new MixedLoad(name, bases, admin, 3, Duration.ofMillis(DB_TIMEOUT_MS + 1500))) {
                    run(redis, byAnnouncedPort, load);
                    // without WAIT a failover drops what the replica had not received (docs/ha.md)
                    PostgresFailoverTest.assertKept(load, name, minReplicas > 0);
                }
            } finally {
                nodes.forEach(TestNode::close);
                TestNode.deleteTree(data);
            }
        }
    }

    @Test
    void tlsSentinels_followFailovers_andAnUntrustedCertificateIsRefused() throws Exception {
        int[] ports = PostgresFailoverTest.freePorts(5);
        try (DevCluster redis = new DevCluster("dev/redis-sentinel.sh", "--tls", Integer.toString(ports[0]),
                Integer.toString(ports[1]), Integer.toString(ports[2]), Integer.toString(ports[3]), Integer.toString(ports[4]))) {
            String url = redis.url();
            assertTrue(url.startsWith("rediss-sentinel://"), url);
            Path data = Files.createTempDirectory("kw-sentinel-tls-");
            List<TestNode> nodes = new ArrayList<>();
            try {
                Path pw = data.resolve("redis.pass");
                Files.writeString(pw, "a long redis master password\n", StandardCharsets.UTF_8);
                List<String> untrusting = List.of("--database-type=redis-findex", "--database-url=" + url,
                        "--redis-master-password-file=" + pw, "--db-timeout-ms=" + DB_TIMEOUT_MS);
                Exception refused = assertThrows(Exception.class, () -> TestNode.init(data.resolve("untrusting"),
                        untrusting.toArray(String[]::new)));
                assertTrue(String.valueOf(refused.getMessage()).contains("not trusted; set redis_tls_ca_file"),
                        String.valueOf(refused.getMessage()));

                List<String> db = new ArrayList<>(untrusting);
                db.addAll(List.of("--redis-tls-ca-file=" + redis.dir.resolve("tls/ca.pem"), "--redis-min-replicas=1"));
                String admin = TestNode.init(data.resolve("kw"), db.toArray(String[]::new));
                for (int i = 0; i < 2; i++) {
                    List<String> flags = new ArrayList<>(db);
                    flags.addAll(List.of("--node-name=redis-tls-" + i, "--db-pool-size=4", "--cache-ttl-ms=1000"));
                    nodes.add(TestNode.startIn(data.resolve("kw"), false, flags.toArray(String[]::new)));
                }
                List<String> bases = nodes.stream().map(TestNode::base).toList();
                try (MixedLoad load = new MixedLoad("redis-sentinel-tls", bases, admin, 3, Duration.ofMillis(DB_TIMEOUT_MS + 1500))) {
                    load.start();
                    load.awaitSuccesses(60);
                    plannedFailover(redis, load, "Sentinel failover (planned), TLS");
                    killPrimary(redis, load, "primary SIGKILL, Sentinel failover, TLS");
                    load.phase("after failovers, TLS");
                    load.awaitSuccesses(40);
                    load.stop();
                    PostgresFailoverTest.assertKept(load, "redis-sentinel-tls", true);
                }
            } finally {
                nodes.forEach(TestNode::close);
                TestNode.deleteTree(data);
            }
        }
    }

    /** The announced (proxy) port of the master as the Sentinels name it. */
    private static int master(DevCluster redis) {
        String out = redis.run("master").strip();
        return Integer.parseInt(out.substring(out.lastIndexOf('\n') + 1).strip());
    }

    /** SENTINEL FAILOVER under the load: the master moves, and every instance serves again. */
    private static void plannedFailover(DevCluster redis, MixedLoad load, String phase) {
        int before = master(redis);
        load.phase(phase);
        System.out.print(redis.run("failover"));
        assertNotEquals(before, master(redis), "the failover moved the master");
        load.awaitRecovered(RECOVERY);
        load.awaitSuccesses(40);
    }

    /** SIGKILL of the primary under the load: the Sentinels promote the replica, the killed server comes back as one. */
    private static void killPrimary(DevCluster redis, MixedLoad load, String phase) {
        int killed = master(redis);
        load.phase(phase);
        System.out.print(redis.run("kill", "primary"));
        Poll.until("the Sentinels promote the replica", RECOVERY, () -> master(redis) != killed);
        System.out.print(redis.run("revive"));
        load.awaitRecovered(RECOVERY);
        load.awaitSuccesses(40);
    }

    private static void run(DevCluster redis, Map<Integer, TcpProxy> proxies, MixedLoad load) {
        load.start();
        load.awaitSuccesses(60);
        plannedFailover(redis, load, "Sentinel failover (planned)");

        int primary = master(redis);
        load.phase("network cut: primary isolated (TCP proxy)");
        proxies.get(primary).cut();
        Poll.until("the Sentinels promote the replica", RECOVERY, () -> master(redis) != primary);
        load.phase("network cut healed");
        proxies.get(primary).restore();
        load.awaitRecovered(RECOVERY);
        load.awaitSuccesses(40);

        killPrimary(redis, load, "primary SIGKILL, Sentinel failover");

        load.phase("after failovers");
        load.awaitSuccesses(40);
        load.stop();
    }
}
