package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.core.UserService;

/**
 * Finds the caller: a bearer token, or else a TLS client certificate (verified against the clients
 * CA during the handshake) whose subject CN names the user.
 *
 * <p>Every failure is the same 401 with the same message, so a caller cannot tell an unknown user
 * from a wrong, revoked or expired token. Tokens are looked up by their HMAC, never compared in
 * Java. Each failure of presented credentials counts against the caller's address in an
 * {@link AuthBackoff}; a blocked address gets 429 before its credentials are looked at. Requests
 * without any credentials are refused but not counted: they guess nothing. Thread-safe.
 */
final class Authenticator {
    private static final String UNAUTHENTICATED = "missing, unknown, expired or revoked credentials";
    private static final String BLOCKED = "too many failed authentication attempts from this address; retry later";
    private static final String BEARER = "bearer ";

    private final UserService users;
    private final AuthBackoff backoff;

    Authenticator(UserService users) {
        this(users, AuthBackoff.defaults());
    }

    Authenticator(UserService users, AuthBackoff backoff) {
        this.users = users;
        this.backoff = backoff;
    }

    /**
     * The caller, from its bearer token or client certificate; {@code remote} is its address as
     * the request's handling reads it once (null if unknown), for the failure backoff.
     *
     * @throws KwException unauthenticated (401) for missing or bad credentials, too_many_requests
     *                     (429, with Retry-After set) while the caller's address is blocked
     */
    Principal authenticate(HttpExchange ex, String remote) {
        String address = remote == null ? "unknown" : remote;
        long blocked = backoff.blockedMillis(address);
        if (blocked > 0) {
            ex.getResponseHeaders().set("Retry-After", Long.toString((blocked + 999) / 1000));
            throw new KwException(ErrorCode.TOO_MANY_REQUESTS, BLOCKED);
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        X509Certificate cert = header == null ? clientCertificate(ex) : null;
        if (header == null && cert == null) {
            throw unauthenticated();
        }
        try {
            return header != null ? users.authenticate(bearerToken(header)) : users.principalOf(commonName(cert));
        } catch (KwException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                backoff.failure(address);
            }
            throw e;
        }
    }

    /**
     * As {@link #authenticate}, for the Vault-compatible routes: an {@code X-Vault-Token} header
     * holds a Keyward token; without one, the usual bearer token or client certificate.
     */
    Principal authenticateVault(HttpExchange ex, String remote) {
        String vaultToken = ex.getRequestHeaders().getFirst("X-Vault-Token");
        if (vaultToken == null) {
            return authenticate(ex, remote);
        }
        String address = remote == null ? "unknown" : remote;
        long blocked = backoff.blockedMillis(address);
        if (blocked > 0) {
            ex.getResponseHeaders().set("Retry-After", Long.toString((blocked + 999) / 1000));
            throw new KwException(ErrorCode.TOO_MANY_REQUESTS, BLOCKED);
        }
        try {
            return users.authenticate(vaultToken.trim());
        } catch (KwException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                backoff.failure(address);
            }
            throw e;
        }
    }

    private static String bearerToken(String header) {
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated();
        }
        return header.substring(BEARER.length()).trim();
    }

    /** The verified leaf certificate of the client, or null when it sent none. */
    private static X509Certificate clientCertificate(HttpExchange ex) {
        if (!(ex instanceof HttpsExchange https)) {
            return null;
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The user a certificate names: exactly one CN, a valid user name (so never empty nor "*"). */
    private static String commonName(X509Certificate cert) {
        String cn = Tls.commonName(cert);
        if (cn == null) {
            throw unauthenticated();
        }
        try {
            return Names.checkUserName("CN", cn);
        } catch (KwException e) {
            throw unauthenticated();
        }
    }

    private static KwException unauthenticated() {
        return new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
    }
}
