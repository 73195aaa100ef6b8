package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.core.UserService;

/**
 * Finds the caller: a bearer token, or else a verified TLS client certificate whose subject CN
 * names the user. Every failure is the same 401 so that callers cannot tell an unknown user from
 * a wrong or expired token.
 */
final class Authenticator {
    private static final String UNAUTHENTICATED = "missing, unknown, expired or revoked credentials";

    private final UserService users;

    Authenticator(UserService users) {
        this.users = users;
    }

    Principal authenticate(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            if (header.length() > 7 && header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                return users.authenticate(header.substring(7).trim());
            }
            throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
        }
        if (ex instanceof HttpsExchange https) {
            String cn = clientCn(https);
            if (cn != null) {
                return users.principalOf(cn);
            }
        }
        throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
    }

    /** The CN of a verified client certificate, or null; empty and wildcard CNs are refused. */
    private static String clientCn(HttpsExchange https) {
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            String cn = Tls.commonName(leaf);
            if (cn == null || cn.isEmpty() || cn.contains("*")) {
                throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
            }
            return cn;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
