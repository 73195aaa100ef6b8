package keyward.store.redis;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import keyward.store.ConflictException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * Users and tokens. Users are enumerated through the "type:user" keyword, a user's tokens through
 * "tokens:&lt;user&gt;"; a token is named by the HMAC of its hash so lookup by hash is one GET.
 * Index entries are written before the object and deleted after it. Thread-safe.
 */
final class Principals {
    private final SealedObjects objects;
    private final Findex findex;
    private final RedisKeys keys;

    Principals(SealedObjects objects, Findex findex) {
        this.objects = objects;
        this.findex = findex;
        this.keys = objects.keys();
    }

    void insertUser(UserRecord u) throws ConflictException {
        String name = userName(u.name());
        int failed = objects.withView(v -> {
            findex.append(v, Keywords.entries(List.of(Keywords.USERS), true, 0, keys.handle(name)));
            return objects.write(v, List.of(new SealedObjects.Check(name, null)),
                    List.of(new SealedObjects.Put(name, Records.user(u))));
        });
        if (failed != 0) {
            throw new ConflictException(ConflictException.Kind.ALREADY_EXISTS, "user '" + u.name() + "' already exists");
        }
    }

    Optional<UserRecord> findUser(String name) {
        byte[] p = objects.plain(userName(name));
        return p == null ? Optional.empty() : Optional.of(Records.user(p)).filter(u -> u.name().equals(name));
    }

    List<UserRecord> listUsers() {
        List<UserRecord> users = new ArrayList<>();
        for (byte[] p : objects.plains(named(Keywords.USERS))) {
            if (p != null) {
                users.add(Records.user(p));
            }
        }
        users.sort(Comparator.comparing(UserRecord::name));
        return users;
    }

    /** Deletes the user object and its index entry (tokens and grants are the caller's first steps). */
    boolean deleteUserObject(String user) {
        String name = userName(user);
        boolean deleted = objects.delete(name);
        findex.appendFollowing(Keywords.entries(List.of(Keywords.USERS), false, 0, keys.handle(name)));
        return deleted;
    }

    void insertToken(TokenRecord t) {
        String name = tokenName(t.hash());
        objects.withView(v -> {
            findex.append(v, Keywords.entries(List.of(Keywords.tokens(t.user())), true, 0, keys.handle(name)));
            return objects.write(v, List.of(), List.of(new SealedObjects.Put(name, Records.token(t))));
        });
    }

    Optional<TokenRecord> findTokenByHash(byte[] hash) {
        byte[] p = objects.plain(tokenName(hash));
        return p == null ? Optional.empty()
                : Optional.of(Records.token(p)).filter(t -> MessageDigest.isEqual(t.hash(), hash));
    }

    List<TokenRecord> listTokens(String user) {
        List<TokenRecord> tokens = new ArrayList<>();
        for (byte[] p : objects.plains(named(Keywords.tokens(user)))) {
            if (p != null) {
                TokenRecord t = Records.token(p);
                if (t.user().equals(user)) {
                    tokens.add(t);
                }
            }
        }
        tokens.sort(Comparator.comparing(TokenRecord::createdAt).thenComparing(TokenRecord::id));
        return tokens;
    }

    boolean deleteToken(String user, String tokenId) {
        boolean deleted = false;
        for (TokenRecord t : listTokens(user)) {
            if (t.id().equals(tokenId)) {
                deleted |= deleteToken(t);
            }
        }
        return deleted;
    }

    boolean deleteToken(TokenRecord t) {
        String name = tokenName(t.hash());
        boolean deleted = objects.delete(name);
        findex.appendFollowing(Keywords.entries(List.of(Keywords.tokens(t.user())), false, 0, keys.handle(name)));
        return deleted;
    }

    private List<String> named(String keyword) {
        Set<String> handles = findex.search(List.of(keyword)).get(keyword);
        return handles.stream().map(keys::objectNamed).toList();
    }

    private String userName(String user) {
        return keys.object("user", user);
    }

    private String tokenName(byte[] hash) {
        return keys.object("token", Base64.getEncoder().encodeToString(hash));
    }
}
