package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import keyward.TestNode;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.log.Log;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A refused TLS handshake, tried again and again, is logged once on each side, not once per attempt. */
class RefusalLogTest {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Path dir;
    private SqlStore server;
    private SqlStore client;
    private SqlStore stranger;
    private SupplierServer supplier;
    private Identity serverId;
    private Identity clientId;
    private Identity strangerId;

    @BeforeEach
    void start() throws IOException {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        Log.setLevel(Log.Level.DEBUG);
        dir = Files.createTempDirectory("kw-refusal-");
        KekRing kek = KekRing.of(Kek.generate());
        server = open("s.db");
        client = open("c.db");
        serverId = Identity.load(server, kek, Clock.systemUTC());
        clientId = Identity.load(client, kek, Clock.systemUTC());
        stranger = open("x.db");
        strangerId = Identity.load(stranger, kek, Clock.systemUTC());
        SSLContext tls = PinnedTls.context(() -> serverId, Set.of(clientId.current().pin()),
                List.of(clientId.current().certificate()));
        supplier = new SupplierServer("127.0.0.1:0", tls, server.replica().orElseThrow(), () -> "domain-1", 1000);
    }

    private SqlStore open(String file) {
        SqlStore s = SqlStore.open(SqlStore.sqlite(dir.resolve(file)));
        s.open();
        return s;
    }

    @AfterEach
    void stop() {
        Log.setLevel(Log.Level.INFO);
        Log.setOutput(System.out);
        supplier.close();
        server.close();
        client.close();
        stranger.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void unlistedConsumer_tryingThreeTimes_isLoggedOnceByTheSupplier() {
        Target target = new Target("repl://127.0.0.1:" + supplier.port(), "127.0.0.1", supplier.port(),
                serverId.current().der(), false);
        for (int i = 0; i < 3; i++) {
            assertThrows(IOException.class, () -> {
                try (Link link = Link.open(target, target.tls(() -> strangerId), 2000)) {
                    link.call(Protocol.message("op", "pull"));
                }
            });
        }
        Cluster.await("the supplier saw three refused handshakes", () -> count("refused a TLS handshake from 127.0.0.1") >= 3);
        assertEquals(1, count("WARN  replication: refused a TLS handshake from 127.0.0.1"), text());
    }

    @Test
    void consumerFacingAnUnpinnedSupplierCertificate_retrying_logsItOnce() throws Exception {
        String url = "repl://127.0.0.1:" + supplier.port();
        Target wrongPin = new Target(url, "127.0.0.1", supplier.port(), strangerId.current().der(), false);
        Clock clock = Clock.systemUTC();
        Hlc hlc = new Hlc(clock, "cccccccc-0000-4000-8000-000000000003", List.of());
        Capture capture = new Capture(hlc, clock);
        Status status = new Status(clock, List.of(url), null);
        Replicator.Options fast = new Replicator.Options(20, 1000, Duration.ofDays(7));
        Consumer consumer = new Consumer(wrongPin, () -> clientId, client.replica().orElseThrow(), () -> "domain-1",
                new Applier(hlc, capture, clock, status),
                new Refresher(client.replica().orElseThrow(), client, () -> clientId, hlc, clock, 1000),
                status.partner(url), fast, node -> { });
        Thread t = new Thread(consumer, "refusal-test-consumer");
        t.start();
        try {
            Cluster.await("the consumer tried three times", () -> count("DEBUG replication: pull from " + url + " failed") >= 2);
        } finally {
            consumer.stop();
            t.interrupt();
            t.join(5000);
        }
        assertEquals(1, count("WARN  replication: pull from " + url + " failed"), text());
        assertEquals("error", status.partner(url).state);
    }

    private String text() {
        Log.flush();
        return log.toString(StandardCharsets.UTF_8);
    }

    private int count(String what) {
        return (int) text().lines().filter(l -> l.contains(what)).count();
    }
}
