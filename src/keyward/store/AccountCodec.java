package keyward.store;

import java.io.IOException;

/**
 * The one binary form of users and tokens, shared by backups and the Redis objects (each in its
 * {@link BinaryLayout}):
 *
 * <pre>
 * user  = str name | bool admin | time created
 * token = str id | str user | bytes hash | time created | time expires
 * </pre>
 */
public final class AccountCodec {
    private AccountCodec() {
    }

    public static void write(BinaryWriter out, UserRecord u) throws IOException {
        out.str(u.name());
        out.bool(u.admin());
        out.time(u.createdAt());
    }

    public static UserRecord user(BinaryReader in) throws IOException {
        return new UserRecord(in.str(), in.bool(), in.time());
    }

    public static void write(BinaryWriter out, TokenRecord t) throws IOException {
        out.str(t.id());
        out.str(t.user());
        out.bytes(t.hash());
        out.time(t.createdAt());
        out.time(t.expiresAt());
    }

    public static TokenRecord token(BinaryReader in) throws IOException {
        return new TokenRecord(in.str(), in.str(), in.bytes(), in.time(), in.time());
    }
}
