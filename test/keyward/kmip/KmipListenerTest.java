package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import keyward.Poll;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMIP port with a Java TTLV client: messages on one connection, bounds on what a client may
 * send, slow clients cut off without holding up others, the caller named by the certificate CN.
 */
class KmipListenerTest {
    @TempDir
    static Path dir;

    static KmipNode k;

    @BeforeAll
    static void start() throws Exception {
        k = KmipNode.start(dir, "--request-timeout-ms=3000", "--kmip-max-message-bytes=4096");
    }

    @AfterAll
    static void stop() {
        if (k != null) {
            k.close();
        }
    }

    @Test
    void manyMessagesOnOneConnection_eachAnsweredInItsOwnVersion() throws Exception {
        try (SSLSocket s = k.connect("alice")) {
            for (int version : List.of(100, 101, 102, 103, 104, 200, 201, 102, 200)) {
                Ttlv r = KmipNode.roundTrip(s, Msg.request(version, Msg.item(Op.DISCOVER_VERSIONS)));
                assertEquals(version, Msg.version(r));
                assertEquals(Enums.SUCCESS, Msg.status(Msg.items(r).get(0)));
            }
            Ttlv r = KmipNode.roundTrip(s, Msg.request(300, Msg.item(Op.DISCOVER_VERSIONS)));
            assertEquals(Reason.INVALID_MESSAGE.code, Msg.reason(Msg.items(r).get(0)));
            assertEquals(201, Msg.version(r), "answered in the highest version served below the one asked for");
        }
    }

    @Test
    void aMalformedMessage_isAnsweredWithInvalidMessage_andTheConnectionGoesOn() throws Exception {
        try (SSLSocket s = k.connect("alice")) {
            // a well-framed message whose inner item lies about its length
            KmipNode.send(s, TtlvCodec.encode(Msg.request(102, Msg.item(Op.QUERY))));
            KmipNode.readFrame(s);
            byte[] bad = TtlvCodec.encode(Ttlv.structure(Tags.REQUEST_MESSAGE, List.of(Ttlv.integer(Tags.BATCH_COUNT, 1))));
            bad[15] = 0x40;
            KmipNode.send(s, bad);
            Ttlv r = TtlvCodec.decode(KmipNode.readFrame(s), TtlvCodec.Limits.forBytes(4096));
            assertEquals(Reason.INVALID_MESSAGE.code, Msg.reason(Msg.items(r).get(0)));
            Ttlv ok = KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.QUERY)));
            assertEquals(Enums.SUCCESS, Msg.status(Msg.items(ok).get(0)));
        }
    }

    @Test
    void aMessageOverTheLimit_isRefusedBeforeItIsRead_andTheConnectionClosed() throws Exception {
        try (SSLSocket s = k.connect("alice")) {
            KmipNode.send(s, new byte[] {0x42, 0x00, 0x78, 0x01, 0x7F, 0x00, 0x00, 0x00});
            Ttlv r = TtlvCodec.decode(KmipNode.readFrame(s), TtlvCodec.Limits.forBytes(4096));
            assertEquals(Reason.INVALID_MESSAGE.code, Msg.reason(Msg.items(r).get(0)));
            assertTrue(closed(s), "closed after the answer");
        }
    }

    @Test
    void aSlowClient_isCutOff_andNeverHoldsUpAnother() throws Exception {
        try (SSLSocket slow = k.connect("alice")) {
            KmipNode.send(slow, new byte[] {0x42, 0x00}); // begins a message, then stalls
            try (SSLSocket other = k.connect("bob")) {
                for (int i = 0; i < 5; i++) {
                    Ttlv r = KmipNode.roundTrip(other, Msg.request(104, Msg.item(Op.QUERY)));
                    assertEquals(Enums.SUCCESS, Msg.status(Msg.items(r).get(0)));
                }
            }
            slow.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            assertTrue(closed(slow), "the stalled message is dropped with its connection");
            assertTrue(System.nanoTime() - t0 < 9_000_000_000L);
        }
    }

    @Test
    void aCertificateCnThatIsNoUser_getsAuthenticationNotSuccessfulOnEveryItem() throws Exception {
        try (SSLSocket s = k.connect("nobody")) {
            Ttlv r = KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.QUERY), Msg.item(Op.DISCOVER_VERSIONS)));
            List<Ttlv> items = Msg.items(r);
            assertEquals(2, items.size());
            for (Ttlv i : items) {
                assertEquals(Reason.AUTHENTICATION_NOT_SUCCESSFUL.code, Msg.reason(i));
            }
        }
    }

    @Test
    void aUserCreatedLater_isServedOnTheSameConnection() throws Exception {
        k.pki.client("carol", "carol", "ca");
        try (SSLSocket s = k.connect("carol")) {
            Ttlv r = KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.QUERY)));
            assertEquals(Reason.AUTHENTICATION_NOT_SUCCESSFUL.code, Msg.reason(Msg.items(r).get(0)));
            assertEquals(201, k.call("POST", "/v1/users", k.node.adminToken, Map.of("name", "carol")).status());
            r = KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.QUERY)));
            assertEquals(Enums.SUCCESS, Msg.status(Msg.items(r).get(0)));
        }
    }

    @Test
    void aCertificateFromAnotherCa_failsTheHandshake() {
        assertThrows(IOException.class, () -> {
            try (SSLSocket s = k.connect("stranger")) {
                KmipNode.roundTrip(s, Msg.request(102, Msg.item(Op.QUERY)));
            }
        });
    }

    /** Whether the server closed the connection (end of stream or a reset), waiting at most the socket's timeout. */
    private static boolean closed(SSLSocket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void kmipPort_withoutClientCertificates_isAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.load(List.of("--kmip-port=5696"), Map.of()));
        assertTrue(e.getMessage().contains("'kmip_port'") && e.getMessage().contains("clients_ca_cert_file"),
                e.getMessage());
        assertEquals(0, Config.defaults().kmipPort());
    }

    @Test
    void closingTheNode_closesTheKmipPort() throws Exception {
        KmipNode other = KmipNode.start(dir.resolve("other"));
        int port;
        SSLSocket s;
        try {
            port = other.kmipPort();
            s = other.connect("alice");
        } finally {
            other.close();
        }
        Poll.until("the KMIP connection is closed", () -> closed(s));
        assertThrows(IOException.class, () -> new java.net.Socket("127.0.0.1", port).close());
    }
}
