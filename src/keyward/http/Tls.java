package keyward.http;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** TLS policy of the API: TLS 1.2 and 1.3 only, forward-secret AEAD suites. */
public final class Tls {
    /** Allowed suites, in preference order; filtered to what the JDK supports. */
    public static final List<String> MODERN_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private Tls() {
    }

    /**
     * The subject's one CN, or null when it has none, several (in one RDN or in several), or one
     * that is not a string, so that a certificate never names a user ambiguously.
     */
    public static String commonName(X509Certificate cert) {
        String found = null;
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                NamingEnumeration<? extends Attribute> attrs = rdn.toAttributes().getAll();
                while (attrs.hasMore()) {
                    Attribute a = attrs.next();
                    if (!a.getID().equalsIgnoreCase("CN")) {
                        continue;
                    }
                    if (found != null || a.size() != 1 || !(a.get() instanceof String s)) {
                        return null;
                    }
                    found = s;
                }
            }
        } catch (NamingException e) {
            return null;
        }
        return found;
    }
}
