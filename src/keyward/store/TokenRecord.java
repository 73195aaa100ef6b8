package keyward.store;

import java.time.Instant;
import java.util.Arrays;

/**
 * An API token as stored: only HMAC-SHA256(pepper, token), never the token.
 *
 * @param expiresAt null = never expires
 */
public record TokenRecord(String id, String user, byte[] hash, Instant createdAt, Instant expiresAt) {

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenRecord t && t.id.equals(id) && t.user.equals(user) && Arrays.equals(t.hash, hash)
                && t.createdAt.equals(createdAt) && java.util.Objects.equals(t.expiresAt, expiresAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "TokenRecord[" + id + ", user=" + user + "]";
    }
}
