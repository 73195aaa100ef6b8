package keyward.store;

import java.time.Instant;

/** A user. Names follow the key-name rule; "*" is reserved for wildcard grants. */
public record UserRecord(String name, boolean admin, Instant createdAt) {
}
