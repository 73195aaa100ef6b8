package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/**
 * A deployment that turns replication on: its first start with a [replication] section gives every
 * key made before its document and one change (in pages, more keys than one page here), and
 * later starts add nothing.
 */
class BaselineTest {

    private static final int KEYS = 2_345; // more than two of the baseline's pages of 1,000

    @Test
    void firstStartWithReplication_documentsEveryKeyOnce_andLaterStartsAddNothing() throws Exception {
        Path dir = Files.createTempDirectory("kw-baseline-");
        try {
            TestNode.init(dir);
            try (TestNode plain = TestNode.startIn(dir, false)) {
                BulkTransferTest.fill(plain.node.core(), KEYS, 4);
            }
            Path toml = replicationConfig(dir);

            Map<String, String> vectorAfterFirst;
            try (TestNode replicated = TestNode.startIn(dir, false, "--config=" + toml)) {
                ReplicaSnapshot s = ReplicaSnapshot.of(replicated);
                assertEquals(KEYS, s.keys.size(), "keys stored");
                assertEquals(s.keys, s.documented, "keys with a replication document after the first start");
                String origin = Replicator.meta(replicated.node.store(), Replicator.NODE);
                assertNotNull(s.vector.get(origin), "the node's own changes are in its vector");
                assertEquals(KEYS, s.changesOf(replicated), "one change per key in the changelog");
                vectorAfterFirst = s.vector;
            }
            try (TestNode again = TestNode.startIn(dir, false, "--config=" + toml)) {
                ReplicaSnapshot s = ReplicaSnapshot.of(again);
                assertEquals(vectorAfterFirst, s.vector, "a second start records no change");
                assertEquals(KEYS, s.changesOf(again), "changelog rows after the second start");
            }
        } finally {
            TestNode.deleteTree(dir);
        }
    }

    private static Path replicationConfig(Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path toml = dir.resolve("replication.toml");
        Files.writeString(toml, "[replication]\norigin = \"repl://127.0.0.1:" + port + "\"\n"
                + "bindaddress = \"127.0.0.1:" + port + "\"\n");
        return toml;
    }

    /** What a node's replica holds: key ids, documented key ids, the vector. */
    private record ReplicaSnapshot(Set<String> keys, Set<String> documented, Map<String, String> vector) {
        static ReplicaSnapshot of(TestNode n) {
            return Replicator.replicaOf(n.node.store()).read("look", tx -> new ReplicaSnapshot(
                    new HashSet<>(tx.keyIds()), new HashSet<>(tx.docIds(Docs.KEY)), Map.copyOf(tx.vector())));
        }

        /** Changelog rows of kind "key" (all of them: fewer than one read can hold). */
        int changesOf(TestNode n) {
            return (int) Replicator.replicaOf(n.node.store()).changesAfter(Map.of(), 10_000, Long.MAX_VALUE).stream()
                    .filter(r -> Docs.KEY.equals(r.kind())).count();
        }
    }
}
