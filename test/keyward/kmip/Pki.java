package keyward.kmip;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI for the KMIP tests, made with the system openssl in a directory: CAs, a server
 * certificate for 127.0.0.1 and client certificates ({@code NAME.pem}, {@code NAME.key}), and
 * Java client contexts from them. Every openssl run is bounded.
 */
final class Pki {
    final Path dir;

    Pki(Path dir) {
        this.dir = dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "openssl", ".out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + ": " + Files.readString(out));
        }
    }

    /** A self-signed CA: NAME.key, NAME.pem. */
    void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    void server(String name, String ca) throws IOException, InterruptedException {
        Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        leaf(name, "/CN=localhost", ca);
    }

    /** A client certificate for {@code cn} signed by {@code ca}, also as NAME.p12 (password "test"). */
    void client(String name, String cn, String ca) throws IOException, InterruptedException {
        Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
        leaf(name, "/CN=" + cn, ca);
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-out", name + ".p12",
                "-name", name, "-passout", "pass:test");
    }

    private void leaf(String name, String subject, String ca) throws IOException, InterruptedException {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", subject);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-set_serial",
                "0x" + new BigInteger(64, new java.security.SecureRandom()).toString(16), "-out", name + ".pem",
                "-days", "2", "-extfile", name + ".ext");
    }

    /** A client context presenting NAME.p12 and trusting {@code ca}. */
    SSLContext client(String name, String ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file(name + ".p12"))) {
            ks.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "test".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(file(ca + ".pem"))) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
