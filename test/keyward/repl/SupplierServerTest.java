package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import keyward.TestNode;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener against a broken, hostile or unlisted peer. */
class SupplierServerTest {

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
        dir = Files.createTempDirectory("kw-supplier-");
        KekRing kek = KekRing.of(Kek.generate());
        server = open("s.db");
        client = open("c.db");
        stranger = open("x.db");
        serverId = Identity.load(server, kek, Clock.systemUTC());
        clientId = Identity.load(client, kek, Clock.systemUTC());
        strangerId = Identity.load(stranger, kek, Clock.systemUTC());
        X509Certificate clientCert = clientId.current().certificate();
        SSLContext tls = PinnedTls.context(() -> serverId, Set.of(clientId.current().pin()), List.of(clientCert));
        supplier = new SupplierServer("127.0.0.1:0", tls, server.replica().orElseThrow(), () -> "domain-1", 1000);
    }

    private SqlStore open(String file) {
        SqlStore s = SqlStore.open(SqlStore.sqlite(dir.resolve(file)));
        s.open();
        return s;
    }

    @AfterEach
    void stop() {
        supplier.close();
        server.close();
        client.close();
        stranger.close();
        TestNode.deleteTree(dir);
    }

    private Target target() {
        return new Target("repl://127.0.0.1:" + supplier.port(), "127.0.0.1", supplier.port(), serverId.current().der(), false);
    }

    private static Map<String, Object> pull(String domain) {
        Map<String, Object> m = Protocol.message("op", "pull");
        m.put("domain", domain);
        m.put("vector", Map.of());
        m.put("limit", 10L);
        return m;
    }

    @Test
    void pinnedConsumer_isAnswered_andAnotherDomainIsToldSo() throws IOException {
        try (Link link = Link.open(target(), target().tls(() -> clientId), 2000)) {
            assertEquals(Protocol.NOTHING_NEW, link.call(pull("domain-1")).get("answer"));
            assertEquals(Protocol.DOMAIN_MISMATCH, link.call(pull("domain-2")).get("answer"));
        }
    }

    @Test
    void unlistedConsumer_isRefusedBeforeAnyAnswer() {
        assertThrows(IOException.class, () -> {
            try (Link link = Link.open(target(), target().tls(() -> strangerId), 2000)) {
                link.call(pull("domain-1"));
            }
        });
    }

    @Test
    void supplierWithAnotherCertificate_isRefusedByTheConsumer() {
        Target wrongPin = new Target(target().url(), "127.0.0.1", supplier.port(), strangerId.current().der(), false);
        assertThrows(IOException.class, () -> Link.open(wrongPin, wrongPin.tls(() -> clientId), 2000));
    }

    @Test
    void hugeFrameLength_dropsTheConnection_andTheListenerGoesOn() throws Exception {
        SSLContext tls = target().tls(() -> clientId);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", supplier.port())) {
            s.setSoTimeout(3000);
            s.startHandshake();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(Integer.MAX_VALUE);
            out.flush();
            assertEquals(-1, s.getInputStream().read());
        }
        try (Link link = Link.open(target(), target().tls(() -> clientId), 2000)) {
            assertEquals(Protocol.NOTHING_NEW, link.call(pull("domain-1")).get("answer"));
        }
    }

    @Test
    void silentPeer_isDroppedAfterTheReadTimeout() throws Exception {
        SSLContext tls = target().tls(() -> clientId);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", supplier.port())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(true, ms < 4000, "dropped after " + ms + " ms");
        }
    }
}
