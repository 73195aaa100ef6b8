package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import keyward.store.KeyQuery;
import keyward.store.StoreUnavailableException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * rediss:// through a TLS terminator written here (a self-signed certificate for "localhost" in
 * front of the real Redis): the store works, the host name is verified, an untrusted server is refused.
 */
class TlsTest {
    private final String ns = RedisTestSupport.newNamespace();
    private SSLServerSocket server;
    private SSLSocketFactory trusting;

    @BeforeEach
    void startTerminator() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=localhost"), BigInteger.ONE, Date.from(Instant.now().minus(Duration.ofHours(1))),
                Date.from(Instant.now().plus(Duration.ofHours(1))), new X500Name("CN=localhost"), kp.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", kp.getPrivate(), new char[0], new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("redis", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        trusting = clientContext.getSocketFactory();
        Thread t = new Thread(this::accept, "tls-terminator");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        RedisTestSupport.drop(ns);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket("127.0.0.1", 6379);
                pump(client, redis);
                pump(redis, client);
            } catch (IOException e) {
                // closed, or one failed handshake: go on until closed
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private RedisOptions options(String host) {
        RedisTestSupport.url();
        return new RedisOptions("rediss://" + host + ":" + server.getLocalPort(), "x".toCharArray(), "L1", ns, 2, 3000);
    }

    @Test
    void rediss_withATrustedCertificate_servesTheStore() {
        try (RedisStore s = RedisStore.openWithMasterKey(options("localhost"), RedisTestSupport.MASTER, trusting)) {
            s.insertKey(ConcurrentInstancesTest.key("k1"));
            assertEquals(1, s.locate(KeyQuery.all(10, null)).keys().size());
        }
    }

    @Test
    void rediss_hostNameNotInTheCertificate_isRefused() {
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> RedisStore.openWithMasterKey(options("127.0.0.1"), RedisTestSupport.MASTER, trusting));
        assertTrue(e.getMessage().contains("does not name '127.0.0.1'"), e.getMessage());
    }

    @Test
    void rediss_untrustedCertificate_isRefused() {
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> RedisStore.openWithMasterKey(
                options("localhost"), RedisTestSupport.MASTER, (SSLSocketFactory) SSLSocketFactory.getDefault()));
        assertTrue(e.getMessage().contains("not trusted; set redis_tls_ca_file"), e.getMessage());
    }
}
