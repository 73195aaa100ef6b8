package keyward.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for TLS tests, made with the system openssl in a temp dir: CAs, server and
 * client certificates ({@code NAME.pem} and {@code NAME.key}), PKCS#12 files; plus the one
 * certificate openssl cannot make (a CN that is present but empty), made with Bouncy Castle.
 * Every process runs with a timeout.
 */
final class TlsPki {
    /** What a command printed (stdout and stderr together) and how it exited. */
    record Run(int exit, String output) {
    }

    final Path dir;

    TlsPki(Path dir) {
        this.dir = dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Runs a command in the PKI dir, at most {@code seconds}; never throws on a non-zero exit. */
    Run exec(int seconds, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("timed out after " + seconds + " s: " + String.join(" ", cmd));
        }
        return new Run(p.exitValue(), Files.readString(out));
    }

    /** Runs openssl and requires success. */
    String openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Run r = exec(60, cmd);
        if (r.exit != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + ": " + r.output);
        }
        return r.output;
    }

    /** A self-signed CA: NAME.key, NAME.pem. */
    void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A server certificate for 127.0.0.1 and localhost signed by {@code ca}; {@code rsa} or P-256. */
    void server(String name, String ca, boolean rsa) throws IOException, InterruptedException {
        Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        leaf(name, "/CN=localhost", ca, rsa);
    }

    /** A client certificate with the given subject ("/CN=alice"), signed by {@code ca}. */
    void client(String name, String subject, String ca) throws IOException, InterruptedException {
        Files.writeString(file(name + ".ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
        leaf(name, subject, ca, false);
    }

    private void leaf(String name, String subject, String ca, boolean rsa) throws IOException, InterruptedException {
        List<String> newKey = rsa ? List.of("-newkey", "rsa:2048") : List.of("-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256");
        List<String> req = new ArrayList<>(List.of("req", "-new"));
        req.addAll(newKey);
        req.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject));
        openssl(req.toArray(String[]::new));
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-set_serial",
                "0x" + new BigInteger(64, new java.security.SecureRandom()).toString(16), "-out", name + ".pem",
                "-days", "2", "-extfile", name + ".ext");
    }

    /** NAME.p12 from NAME.pem and NAME.key, with the password written to NAME.p12pass. */
    void p12(String name, String password) throws IOException, InterruptedException {
        Files.writeString(file(name + ".p12pass"), password + "\n");
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-out", name + ".p12",
                "-name", name, "-passout", "file:" + name + ".p12pass");
    }

    /** A client certificate whose subject is one CN with an empty value, signed by {@code ca}. */
    void clientWithEmptyCn(String name, String ca) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        X509Certificate caCert = certificate(ca + ".pem");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new JcaX509CertificateHolder(caCert).getSubject(),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "")
                .build(), kp.getPublic());
        var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(privateKey(ca + ".key")));
        Files.writeString(file(name + ".pem"), pem("CERTIFICATE", holder.getEncoded()));
        Files.writeString(file(name + ".key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    X509Certificate certificate(String name) throws Exception {
        try (InputStream in = Files.newInputStream(file(name))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private PrivateKey privateKey(String name) throws IOException {
        try (Reader r = Files.newBufferedReader(file(name)); PEMParser p = new PEMParser(r)) {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) p.readObject());
        }
    }

    /** A client context that trusts only {@code ca} (and presents no certificate). */
    SSLContext trusting(String ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", certificate(ca + ".pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
