package keyward.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Builds the API's SSLContext from PEM or PKCS#12 files, with the client CA when configured. */
public final class Tls {
    private Tls() {
    }

    /** The server context, or null when TLS is not configured. */
    public static SSLContext serverContext(Config c) {
        if (!c.tlsEnabled()) {
            return null;
        }
        try {
            char[] pass = "keyward".toCharArray();
            KeyStore ks;
            if (c.tlsP12File() != null) {
                pass = Stores.readSecret(c.tlsP12PasswordFile(), "tls_p12_password_file").toCharArray();
                ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(c.tlsP12File())) {
                    ks.load(in, pass);
                }
            } else {
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                Certificate[] chain = certificates(c.tlsCertFile()).toArray(new Certificate[0]);
                ks.setKeyEntry("server", privateKey(c.tlsKeyFile()), pass, chain);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pass);
            TrustManagerFactory tmf = null;
            if (c.clientsCaCertFile() != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(c.clientsCaCertFile())) {
                    trust.setCertificateEntry("ca" + i++, cert);
                }
                tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("config: TLS files cannot be loaded: " + e.getMessage());
        }
    }

    static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigException("config: no certificate in " + pem);
            }
            return certs;
        }
    }

    static PrivateKey privateKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new ConfigException("config: 'tls_key_file' holds no unencrypted private key: " + pem);
        }
    }
}
