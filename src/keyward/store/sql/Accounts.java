package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import keyward.store.ConflictException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/** Users and their API tokens (stored as HMACs only). */
final class Accounts {

    private static final String TOKEN_COLUMNS = "SELECT user_name, id, hash, created_at, expires_at FROM kw_tokens";

    private final Jdbc db;

    Accounts(Jdbc db) {
        this.db = db;
    }

    int insertUser(Connection c, UserRecord u) throws SQLException {
        Limits.text("user name", u.name(), Limits.NAME, false);
        try (PreparedStatement ps = db.prepare(c, "INSERT INTO kw_users (name, admin, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, u.name());
            ps.setInt(2, u.admin() ? 1 : 0);
            Jdbc.setInstant(ps, 3, u.createdAt());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw db.conflictIfUnique(e, ConflictException.Kind.ALREADY_EXISTS, "user '" + u.name() + "' already exists");
        }
    }

    List<UserRecord> users(Connection c) throws SQLException {
        return users(c, "SELECT name, admin, created_at FROM kw_users ORDER BY name", null);
    }

    int removeUserRow(Connection c, String name) throws SQLException {
        return update(c, "DELETE FROM kw_users WHERE name = ?", name);
    }

    /** Ids of the keys holding a grant for {@code user}. */
    private List<String> keysGrantedTo(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT key_id FROM kw_key_grants WHERE user_name = ? ORDER BY key_id")) {
            ps.setString(1, user);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    List<TokenRecord> allTokens(Connection c) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, TOKEN_COLUMNS + " ORDER BY user_name, id")) {
            return tokens(ps);
        }
    }

    private List<TokenRecord> tokensOf(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, TOKEN_COLUMNS + " WHERE user_name = ? ORDER BY created_at, id")) {
            ps.setString(1, user);
            return tokens(ps);
        }
    }

    Optional<UserRecord> findUser(String name) {
        return db.once("findUser", false, c -> users(c, "SELECT name, admin, created_at FROM kw_users WHERE name = ?", name))
                .stream().findFirst();
    }

    List<UserRecord> listUsers() {
        return db.once("listUsers", false, c -> users(c, "SELECT name, admin, created_at FROM kw_users ORDER BY name", null));
    }

    /**
     * What deleting a user removed: the user row (if there was one), the keys that lost a grant
     * (their row versions bumped) and the tokens.
     */
    record DeletedUser(boolean user, List<String> keys, List<TokenRecord> tokens) {
    }

    /** Deletes the user, its tokens and its grants; bumps the row version of every key whose grants change. */
    DeletedUser deleteUser(Connection c, String name) throws SQLException {
        List<String> keys = keysGrantedTo(c, name);
        List<TokenRecord> tokens = tokensOf(c, name);
        update(c, "UPDATE kw_keys SET row_version = row_version + 1"
                + " WHERE id IN (SELECT key_id FROM kw_key_grants WHERE user_name = ?)", name);
        update(c, "DELETE FROM kw_key_grants WHERE user_name = ?", name);
        update(c, "DELETE FROM kw_tokens WHERE user_name = ?", name);
        boolean user = update(c, "DELETE FROM kw_users WHERE name = ?", name) > 0;
        return new DeletedUser(user, keys, tokens);
    }

    int insertToken(Connection c, TokenRecord t) throws SQLException {
        Limits.text("token id", t.id(), Limits.NAME, false);
        Limits.text("token user", t.user(), Limits.NAME, false);
        Limits.bytes("token hash", t.hash(), Limits.HASH, false);
        try (PreparedStatement ps = db.prepare(c,
                "INSERT INTO kw_tokens (user_name, id, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, t.user());
            ps.setString(2, t.id());
            ps.setBytes(3, t.hash());
            Jdbc.setInstant(ps, 4, t.createdAt());
            Jdbc.setInstant(ps, 5, t.expiresAt());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw db.conflictIfUnique(e, ConflictException.Kind.ALREADY_EXISTS,
                    "token " + t.id() + " of user '" + t.user() + "' already exists");
        }
    }

    Optional<TokenRecord> findTokenByHash(byte[] hash) {
        if (hash == null || hash.length > Limits.HASH) {
            return Optional.empty();
        }
        return db.once("findTokenByHash", false, c -> {
            try (PreparedStatement ps = db.prepare(c, TOKEN_COLUMNS + " WHERE hash = ?")) {
                ps.setBytes(1, hash);
                return tokens(ps).stream().findFirst();
            }
        });
    }

    List<TokenRecord> listTokens(String user) {
        return db.once("listTokens", false, c -> {
            try (PreparedStatement ps = db.prepare(c, TOKEN_COLUMNS + " WHERE user_name = ? ORDER BY created_at, id")) {
                ps.setString(1, user);
                return tokens(ps);
            }
        });
    }

    boolean deleteToken(Connection c, String user, String tokenId) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "DELETE FROM kw_tokens WHERE user_name = ? AND id = ?")) {
            ps.setString(1, user);
            ps.setString(2, tokenId);
            return ps.executeUpdate() > 0;
        }
    }

    private List<UserRecord> users(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, sql)) {
            if (name != null) {
                ps.setString(1, name);
            }
            List<UserRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UserRecord(rs.getString(1), rs.getInt(2) != 0, Jdbc.instant(rs, "created_at")));
                }
            }
            return out;
        }
    }

    private static List<TokenRecord> tokens(PreparedStatement ps) throws SQLException {
        List<TokenRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new TokenRecord(rs.getString("id"), rs.getString("user_name"), rs.getBytes("hash"),
                        Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at")));
            }
        }
        return out;
    }

    private int update(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, sql)) {
            ps.setString(1, param);
            return ps.executeUpdate();
        }
    }
}
