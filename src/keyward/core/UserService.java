package keyward.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import keyward.crypto.Pepper;
import keyward.crypto.Tokens;
import keyward.store.ConflictException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import keyward.store.Store;
import keyward.time.Clock;

/**
 * Users, their API tokens and bearer-token authentication. Tokens are random 256-bit values shown
 * once; the store keeps only HMAC-SHA256(pepper, token), so the lookup is an exact match on that
 * hash and no token comparison happens in Java. Authentication results are cached for at most the
 * configured staleness bound, so a revoked token or deleted user is refused on every instance
 * within it. Thread-safe.
 */
public final class UserService {
    private static final int MAX_TOKEN_LENGTH = 256;
    private static final long MAX_EXPIRES_IN = 10L * 365 * 86400;
    private static final String UNAUTHENTICATED = "missing, unknown, expired or revoked credentials";

    private final Store store;
    private final Pepper pepper;
    private final Clock clock;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped before the cache is cleared on a revocation, so a read racing with it is not cached. */
    private final AtomicLong revocations = new AtomicLong();

    private record Cached(Principal principal, Instant expiresAt, long loadedAt) {
    }

    /** A new token, shown to its user once. */
    public record IssuedToken(String id, String user, String token, Instant expiresAt) {
    }

    UserService(Store store, Pepper pepper, Clock clock, long ttlMillis) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
        this.ttlNanos = ttlMillis * 1_000_000L;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The caller behind a bearer token; every failure gives the same 401. */
    public Principal authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
        }
        byte[] hash = pepper.hashToken(token);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        long nanos = clock.nanos();
        Cached c = cache.get(cacheKey);
        if (c == null || nanos - c.loadedAt >= ttlNanos) {
            long seen = revocations.get();
            c = load(hash, nanos);
            if (c == null) {
                cache.remove(cacheKey);
                throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
            }
            remember(cacheKey, c, seen);
        }
        if (c.expiresAt != null && !now().isBefore(c.expiresAt)) {
            throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
        }
        return c.principal;
    }

    /**
     * The caller behind a bearer token if the cache already holds it as valid (fresh and not
     * expired), else null; never reads the store. Lets a caller be recognised cheaply where a
     * store lookup is not allowed (an address in authentication backoff).
     */
    public Principal cachedPrincipal(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return null;
        }
        Cached c = cache.get(Base64.getEncoder().encodeToString(pepper.hashToken(token)));
        if (c == null || clock.nanos() - c.loadedAt >= ttlNanos
                || c.expiresAt != null && !now().isBefore(c.expiresAt)) {
            return null;
        }
        return c.principal;
    }

    private Cached load(byte[] hash, long nanos) {
        Optional<TokenRecord> t = store.findTokenByHash(hash);
        if (t.isEmpty()) {
            return null;
        }
        Optional<UserRecord> u = store.findUser(t.get().user());
        return u.map(user -> new Cached(new Principal(user.name(), user.admin()), t.get().expiresAt(), nanos))
                .orElse(null);
    }

    /**
     * Principal of a user by name, as for a client certificate whose CN names it. Kept like a
     * token's for {@code cache_ttl_ms} (a user deleted on this instance is refused at once, on
     * another within that bound), so that a KMIP or HTTPS client sending many requests on one
     * connection costs no store read per request.
     */
    public Principal principalOf(String user) {
        String cacheKey = "cn:" + user;  // token keys are Base64: never a colon
        long nanos = clock.nanos();
        Cached c = cache.get(cacheKey);
        if (c != null && nanos - c.loadedAt < ttlNanos) {
            return c.principal;
        }
        long seen = revocations.get();
        Principal p = store.findUser(user).map(u -> new Principal(u.name(), u.admin())).orElse(null);
        if (p == null) {
            cache.remove(cacheKey);
            throw new KwException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
        }
        remember(cacheKey, new Cached(p, null, nanos), seen);
        return p;
    }

    /** Caches {@code c} unless a revocation ran since {@code seen} was read (then what was read may be stale). */
    private void remember(String cacheKey, Cached c, long seen) {
        if (ttlNanos <= 0) {
            return;
        }
        if (cache.size() > 100_000) {
            cache.clear();
        }
        cache.put(cacheKey, c);
        if (revocations.get() != seen) {
            cache.remove(cacheKey);
        }
    }

    /** A new user and its first token; admins only. Throws forbidden, invalid_request or conflict. */
    public IssuedToken createUser(Principal caller, String name, boolean admin) {
        requireAdmin(caller);
        return createUserUnchecked(name, admin);
    }

    /** For bootstrap and recovery from the command line: no caller to check. */
    public IssuedToken createUserUnchecked(String name, boolean admin) {
        Names.checkUserName("name", name);
        try {
            store.insertUser(new UserRecord(name, admin, now()));
        } catch (ConflictException e) {
            throw KwException.conflict("user '" + name + "' already exists");
        }
        return issue(name, null);
    }

    /** Every user; admins only. */
    public List<UserRecord> listUsers(Principal caller) {
        requireAdmin(caller);
        return store.listUsers();
    }

    /** Deletes a user with its tokens and grants. An admin cannot delete itself, so one always remains. */
    public void deleteUser(Principal caller, String name) {
        requireAdmin(caller);
        if (caller.user().equals(name)) {
            throw KwException.conflict("user '" + name + "' is the caller; another admin must delete it");
        }
        if (!store.deleteUser(name)) {
            throw KwException.notFound("user '" + name + "'");
        }
        forgetCached();
    }

    /** Another token for {@code user}, by that user or an admin; {@code expiresIn} null = never. */
    public IssuedToken createToken(Principal caller, String user, Long expiresIn) {
        requireSelfOrAdmin(caller, user);
        if (store.findUser(user).isEmpty()) {
            throw KwException.notFound("user '" + user + "'");
        }
        if (expiresIn != null && (expiresIn < 1 || expiresIn > MAX_EXPIRES_IN)) {
            throw KwException.invalid("field 'expires_in' must be 1.." + MAX_EXPIRES_IN + " seconds");
        }
        return issue(user, expiresIn == null ? null : now().plusSeconds(expiresIn));
    }

    /** The user's tokens as stored (ids and times; the hashes are not for display). */
    public List<TokenRecord> listTokens(Principal caller, String user) {
        requireSelfOrAdmin(caller, user);
        if (store.findUser(user).isEmpty()) {
            throw KwException.notFound("user '" + user + "'");
        }
        return store.listTokens(user);
    }

    /** Revokes one token; refused on this instance from the next request on. */
    public void deleteToken(Principal caller, String user, String id) {
        requireSelfOrAdmin(caller, user);
        if (!store.deleteToken(user, id)) {
            throw KwException.notFound("token '" + id + "' of user '" + user + "'");
        }
        forgetCached();
    }

    private void forgetCached() {
        revocations.incrementAndGet();
        cache.clear();
    }

    private IssuedToken issue(String user, Instant expiresAt) {
        String token = Tokens.newToken();
        String id = Tokens.newId();
        store.insertToken(new TokenRecord(id, user, pepper.hashToken(token), now(), expiresAt));
        return new IssuedToken(id, user, token, expiresAt);
    }

    private static void requireAdmin(Principal caller) {
        if (!caller.admin()) {
            throw KwException.forbidden("this operation needs an admin");
        }
    }

    private static void requireSelfOrAdmin(Principal caller, String user) {
        if (!caller.admin() && !caller.user().equals(user)) {
            throw KwException.forbidden("only the user itself or an admin manages its tokens");
        }
    }
}
