package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
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
 * Java. Each failure of presented credentials counts against the client's address (the real
 * client behind a trusted proxy, see {@link ClientAddress}) in an {@link AuthBackoff}. Requests
 * without any credentials are refused but not counted: they guess nothing.
 *
 * <p>A blocked address is refused with 429, but valid credentials are not blocked for another
 * caller's failures: a token the cache already knows as valid is served without a store lookup,
 * a certificate verified in the TLS handshake is served (it cannot be guessed), and any other
 * token gets one of the address's budgeted lookups ({@link AuthBackoff#mayLookUp}); if that finds
 * it valid it is served, otherwise (or with no budget left) the answer is 429. Thread-safe.
 */
final class Authenticator {
    private static final String UNAUTHENTICATED = "missing, unknown, expired or revoked credentials";
    private static final String BLOCKED = "too many failed authentication attempts from this address; retry later";
    private static final String BEARER = "bearer ";

    private final UserService users;
    private final AuthBackoff backoff;

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
        String header = ex.getRequestHeaders().getFirst("Authorization");
        X509Certificate cert = header == null ? clientCertificate(ex) : null;
        if (header == null && cert == null) {
            throw blocked > 0 ? blocked(ex, blocked) : unauthenticated();
        }
        if (header != null) {
            return byToken(ex, address, blocked, () -> bearerToken(header));
        }
        try {
            return users.principalOf(commonName(cert));
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
        return byToken(ex, address, backoff.blockedMillis(address), vaultToken::trim);
    }

    /** A token ({@code token} may throw unauthenticated for a malformed header), under the backoff. */
    private Principal byToken(HttpExchange ex, String address, long blocked, Supplier<String> token) {
        if (blocked > 0) {
            return whileBlocked(ex, address, token, blocked);
        }
        try {
            return users.authenticate(token.get());
        } catch (KwException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                backoff.failure(address);
            }
            throw e;
        }
    }

    /** A token from a blocked address: served if valid and known cheaply, else 429. */
    private Principal whileBlocked(HttpExchange ex, String address, Supplier<String> header, long blocked) {
        String token;
        try {
            token = header.get();
        } catch (KwException e) {
            throw blocked(ex, blocked);
        }
        Principal cached = users.cachedPrincipal(token);
        if (cached != null) {
            return cached;
        }
        if (!backoff.mayLookUp(address)) {
            throw blocked(ex, blocked);
        }
        try {
            return users.authenticate(token);
        } catch (KwException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                throw blocked(ex, Math.max(1, backoff.blockedMillis(address)));
            }
            throw e;
        }
    }

    private static KwException blocked(HttpExchange ex, long millis) {
        ex.getResponseHeaders().set("Retry-After", Long.toString((millis + 999) / 1000));
        return new KwException(ErrorCode.TOO_MANY_REQUESTS, BLOCKED);
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
