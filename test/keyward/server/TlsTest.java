package keyward.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's server context from PEM files or PKCS#12; every unusable file is a config error naming the setting. */
class TlsTest {
    @TempDir
    Path tmp;

    /** A self-signed certificate and its key pair. */
    private record Pair(X509Certificate cert, KeyPair keys) {
    }

    private static Pair selfSigned(String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + cn);
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, kp.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        return new Pair(cert, kp);
    }

    /** One PEM block, as openssl writes certificates and PKCS#8 keys. */
    private Path pem(String file, String type, byte[] der) throws Exception {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return Files.writeString(tmp.resolve(file), "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    }

    private Path certPem(String file, Pair p) throws Exception {
        return pem(file, "CERTIFICATE", p.cert().getEncoded());
    }

    private Path keyPem(String file, Pair p) throws Exception {
        return pem(file, "PRIVATE KEY", p.keys().getPrivate().getEncoded());
    }

    private static Config config(String... flags) {
        return Config.load(List.of(flags), Map.of());
    }

    @Test
    void withoutTlsSettings_thereIsNoContext() {
        assertNull(Tls.serverContext(config("--data-dir=/nonexistent")));
    }

    @Test
    void pemPair_presentsItsCertificate() throws Exception {
        Pair p = selfSigned("keyward-pem");
        SSLContext ctx = Tls.serverContext(config("--tls-cert-file=" + certPem("c.pem", p),
                "--tls-key-file=" + keyPem("k.pem", p)));
        assertEquals(p.cert(), presented(ctx, p.cert()));
    }

    @Test
    void pkcs12_presentsItsCertificate() throws Exception {
        Pair p = selfSigned("keyward-p12");
        char[] pw = "p12 secret".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", p.keys().getPrivate(), pw, new Certificate[] {p.cert()});
        Path p12 = tmp.resolve("s.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, pw);
        }
        Path pwFile = Files.writeString(tmp.resolve("p12.pw"), "p12 secret\n");
        SSLContext ctx = Tls.serverContext(config("--tls-p12-file=" + p12, "--tls-p12-password-file=" + pwFile));
        assertEquals(p.cert(), presented(ctx, p.cert()));

        Files.writeString(pwFile, "not the password\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Tls.serverContext(config("--tls-p12-file=" + p12, "--tls-p12-password-file=" + pwFile)));
        assertEquals("config: 'tls_p12_file' cannot be read (wrong password or not PKCS#12): " + p12, e.getMessage());
        assertFalse(e.getMessage().contains("not the password"));
    }

    /** The certificate a TLS 1.2/1.3 handshake with a server on {@code ctx} presents, trusting only {@code trusted}. */
    private static Certificate presented(SSLContext ctx, X509Certificate trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("t", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    server.getLocalPort())) {
                s.setSoTimeout(10_000);
                s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                s.startHandshake();
                accepted.get(10, TimeUnit.SECONDS);
                return s.getSession().getPeerCertificates()[0];
            }
        }
    }

    @Test
    void aKeyOfAnotherCertificate_isRefusedAtStart() throws Exception {
        Pair p = selfSigned("a");
        Pair other = selfSigned("b");
        ConfigException e = assertThrows(ConfigException.class, () -> Tls.serverContext(config(
                "--tls-cert-file=" + certPem("c.pem", p), "--tls-key-file=" + keyPem("k.pem", other))));
        assertEquals("config: 'tls_key_file' does not hold the private key of the first certificate in 'tls_cert_file'",
                e.getMessage());
    }

    @Test
    void missingOrUnusableFiles_areNamedWithTheirSetting() throws Exception {
        Pair p = selfSigned("a");
        Path cert = certPem("c.pem", p);
        Path key = keyPem("k.pem", p);
        Path none = tmp.resolve("none.pem");
        Path empty = Files.writeString(tmp.resolve("empty.pem"), "");
        assertEquals("config: 'tls_cert_file' cannot be read as PEM certificates: " + none,
                refusal("--tls-cert-file=" + none, "--tls-key-file=" + key));
        assertEquals("config: 'tls_cert_file' holds no certificate: " + empty,
                refusal("--tls-cert-file=" + empty, "--tls-key-file=" + key));
        assertEquals("config: 'tls_key_file' cannot be read as PEM: " + none,
                refusal("--tls-cert-file=" + cert, "--tls-key-file=" + none));
        assertEquals("config: 'tls_key_file' holds no unencrypted private key: " + cert,
                refusal("--tls-cert-file=" + cert, "--tls-key-file=" + cert));
        assertEquals("config: 'tls_p12_password_file' cannot be read: " + none,
                refusal("--tls-p12-file=" + cert, "--tls-p12-password-file=" + none));
    }

    private static String refusal(String... flags) {
        return assertThrows(ConfigException.class, () -> Tls.serverContext(config(flags))).getMessage();
    }
}
