package keyward.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds the API's SSLContext from a PEM certificate chain and unencrypted private key, or from a
 * PKCS#12 file and its password file; with the clients CA as the only trust anchor when client
 * certificates are configured. Every problem is a {@link ConfigException} naming the setting;
 * a private key that does not belong to the certificate is refused here rather than at the first
 * handshake. Protocols and suites are chosen by the HTTP layer ({@code keyward.http.Tls}).
 */
public final class Tls {
    /** Bounds the PEM objects read before the key, so a garbage file cannot keep us busy. */
    private static final int MAX_PEM_OBJECTS = 16;

    private Tls() {
    }

    /** The server context, or null when TLS is not configured. */
    public static SSLContext serverContext(Config c) {
        if (!c.tlsEnabled()) {
            return null;
        }
        char[] pass;
        KeyStore ks;
        if (c.tlsP12File() != null) {
            pass = Stores.readSecret(c.tlsP12PasswordFile(), "tls_p12_password_file").toCharArray();
            ks = loadP12(c.tlsP12File(), pass);
        } else {
            pass = "keyward".toCharArray();  // protects an in-memory keystore only
            ks = fromPem(c.tlsCertFile(), c.tlsKeyFile(), pass);
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pass);
            TrustManagerFactory tmf = null;
            if (c.clientsCaCertFile() != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(c.clientsCaCertFile(), "clients_ca_cert_file")) {
                    trust.setCertificateEntry("ca" + i++, cert);
                }
                tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("config: the TLS context cannot be built: " + e.getMessage());
        } finally {
            java.util.Arrays.fill(pass, '\0');
        }
    }

    /**
     * The factory for TLS client connections that trust exactly the certificates in {@code caFile}
     * (a PEM bundle, named {@code key} in errors), or the JVM's defaults when it is null.
     */
    public static javax.net.ssl.SSLSocketFactory clientFactory(Path caFile, String key) {
        if (caFile == null) {
            return (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault();
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : certificates(caFile, key)) {
                trust.setCertificateEntry("ca" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("config: '" + key + "' cannot be used to trust servers: " + e.getMessage());
        }
    }

    private static KeyStore loadP12(Path file, char[] pass) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pass);
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    return ks;
                }
            }
            throw new ConfigException("config: 'tls_p12_file' holds no private key: " + file);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as an IOException; its message never holds the password.
            throw new ConfigException("config: 'tls_p12_file' cannot be read (wrong password or not PKCS#12): "
                    + file);
        }
    }

    private static KeyStore fromPem(Path certFile, Path keyFile, char[] pass) {
        Certificate[] chain = certificates(certFile, "tls_cert_file").toArray(new Certificate[0]);
        PrivateKey key = privateKey(keyFile);
        if (!(chain[0] instanceof X509Certificate leaf) || !matches(key, leaf.getPublicKey())) {
            throw new ConfigException("config: 'tls_key_file' does not hold the private key of the first"
                    + " certificate in 'tls_cert_file'");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, pass, chain);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("config: 'tls_key_file' cannot be used with 'tls_cert_file': " + e.getMessage());
        }
    }

    /**
     * Whether the private key signs what the public key verifies. Kinds without a plain signature
     * here (RSASSA-PSS keys) are left to the handshake.
     */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (alg == null) {
            return true;
        }
        try {
            byte[] probe = "keyward tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static Collection<? extends Certificate> certificates(Path pem, String key) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigException("config: '" + key + "' holds no certificate: " + pem);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("config: '" + key + "' cannot be read as PEM certificates: " + pem);
        }
    }

    /** The first private key in a PEM file, skipping parameters and certificates before it. */
    static PrivateKey privateKey(Path pem) {
        try (Reader r = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            for (int i = 0; i < MAX_PEM_OBJECTS; i++) {
                Object o = parser.readObject();
                if (o == null) {
                    break;
                }
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("config: 'tls_key_file' cannot be read as PEM: " + pem);
        }
        throw new ConfigException("config: 'tls_key_file' holds no unencrypted private key: " + pem);
    }
}
