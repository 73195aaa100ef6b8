package keyward.repl;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.3 contexts that trust exactly a set of pinned certificates (SHA-256 of the DER; no CA, no
 * host names, no dates) and present this node's identity. Where this node has two identities
 * (during a renewal) it presents the one the peer pins: a consumer names the supplier's pin in
 * SNI, a supplier lists its pinned certificates as acceptable issuers.
 */
final class PinnedTls {

    static final String PROTOCOL = "TLSv1.3";

    private PinnedTls() {
    }

    static SSLContext context(Supplier<Identity> identity, Set<String> trustedPins, List<X509Certificate> trusted) {
        try {
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(new KeyManager[] {new Keys(identity)}, new TrustManager[] {new Pins(trustedPins, trusted)},
                    new java.security.SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("replication: TLS 1.3 is not available: " + e.getMessage(), e);
        }
    }

    /** The SNI name a consumer sends to ask for the identity with {@code pin}. */
    static SNIHostName sniFor(String pin) {
        return new SNIHostName("p" + pin.substring(0, 40) + ".keyward.invalid");
    }

    /** Accepts a peer only if its leaf certificate is pinned. */
    private static final class Pins extends X509ExtendedTrustManager {
        private final Set<String> pins;
        private final X509Certificate[] issuers;

        Pins(Set<String> pins, List<X509Certificate> trusted) {
            this.pins = Set.copyOf(pins);
            this.issuers = trusted.toArray(new X509Certificate[0]);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("replication peer sent no certificate");
            }
            String pin = Identity.pin(chain[0].getEncoded());
            if (!pins.contains(pin)) {
                throw new CertificateException("replication peer certificate (SHA-256 " + pin.substring(0, 16)
                        + "...) is not pinned in this node's configuration");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }

    /** Presents one of this node's identities, read fresh for each handshake; aliases are certificate pins. */
    private static final class Keys extends X509ExtendedKeyManager {
        private final Supplier<Identity> identity;

        Keys(Supplier<Identity> identity) {
            this.identity = identity;
        }

        private String[] aliases(String keyType) {
            List<String> out = new ArrayList<>();
            for (Identity.Cert c : identity.get().all()) {
                if (c.key().getAlgorithm().equals(keyType)) {
                    out.add(c.pin());
                }
            }
            return out.isEmpty() ? null : out.toArray(new String[0]);
        }

        /** The identity whose subject is among the acceptable issuers, else the current one. */
        private Identity.Cert byIssuers(Principal[] issuers) {
            Identity id = identity.get();
            if (issuers != null) {
                for (Identity.Cert c : id.all()) {
                    for (Principal p : issuers) {
                        if (p.equals(c.certificate().getSubjectX500Principal())) {
                            return c;
                        }
                    }
                }
            }
            return id.current();
        }

        private Identity.Cert bySni(SSLSession session) {
            Identity id = identity.get();
            if (session instanceof ExtendedSSLSession ext) {
                for (SNIServerName n : ext.getRequestedServerNames()) {
                    if (n instanceof SNIHostName h) {
                        for (Identity.Cert c : id.all()) {
                            if (sniFor(c.pin()).getAsciiName().equalsIgnoreCase(h.getAsciiName())) {
                                return c;
                            }
                        }
                    }
                }
            }
            return id.current();
        }

        private static String ifType(Identity.Cert c, String keyType) {
            return c.key().getAlgorithm().equals(keyType) ? c.pin() : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            Identity.Cert c = byIssuers(issuers);
            for (String t : keyTypes) {
                if (ifType(c, t) != null) {
                    return c.pin();
                }
            }
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
            return ifType(bySni(hs), keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return ifType(bySni(engine == null ? null : engine.getHandshakeSession()), keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity.get().byPin(alias).map(c -> new X509Certificate[] {c.certificate()}).orElse(null);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.get().byPin(alias).map(Identity.Cert::key).orElse(null);
        }
    }
}
