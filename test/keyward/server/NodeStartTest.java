package keyward.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** A start that fails late leaves nothing behind: no thread, no listener, no open database. */
class NodeStartTest {

    @Test
    void start_whenTheApiPortIsTaken_closesEverythingItHadStarted() throws Exception {
        Path dir = Files.createTempDirectory("kw-start-");
        try {
            TestNode.init(dir);
            int replPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                replPort = probe.getLocalPort();
            }
            Path toml = dir.resolve("keyward.toml");
            Files.writeString(toml, "[replication]\norigin = \"repl://127.0.0.1:" + replPort + "\"\n"
                    + "bindaddress = \"127.0.0.1:" + replPort + "\"\n");
            // A full start and stop first, so that what a JVM starts once (timers, caches) is in the baseline.
            TestNode.startIn(dir, false, "--config=" + toml).close();
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                // Every step but the API's listener and the jobs has run by then: store, audit writer, replication.
                assertThrows(BindException.class, () -> TestNode.startIn(dir, false, "--config=" + toml,
                        "--bind=127.0.0.1", "--port=" + taken.getLocalPort()));
            }

            awaitNoThreadBesides(before);
            try (ServerSocket again = new ServerSocket(replPort, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(replPort, again.getLocalPort(), "the replication listener's port is free again");
            }
            assertEquals(List.of(), openFilesUnder(dir), "files of the data dir this process still holds open");
        } finally {
            TestNode.deleteTree(dir);
        }
    }

    /** Waits (at most 10 s) until every live thread was alive before; fails naming the others. */
    private static void awaitNoThreadBesides(Set<Thread> before) throws InterruptedException {
        keyward.Poll.within(java.time.Duration.ofSeconds(10), () -> extraThreads(before).isEmpty());
        assertEquals(List.of(), extraThreads(before), "threads left running by the failed start");
    }

    private static List<String> extraThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")).sorted().collect(Collectors.toList());
    }

    /** The files under {@code dir} with an open descriptor in this process (Linux: /proc/self/fd). */
    private static List<String> openFilesUnder(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assertTrue(Files.isDirectory(fds), "this check reads /proc/self/fd");
        String prefix = dir.toRealPath().toString();
        List<String> open = new ArrayList<>();
        try (Stream<Path> s = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor of the listing itself, or one closed since
                }
            }
        }
        return open;
    }
}
