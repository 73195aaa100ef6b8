package keyward.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.core.Core;
import keyward.core.UserService;
import keyward.json.Fields;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * whoami, users and tokens (api.md, Access). A token is in an answer only when it is made; lists
 * show ids and expiry. Rights are checked by {@link UserService}: admins manage users, a user or
 * an admin manages that user's tokens.
 */
final class AccessRoutes {
    private AccessRoutes() {
    }

    static List<Route> routes(Core core) {
        UserService users = core.users();
        return List.of(
                Route.of("GET", "/v1/whoami", "whoami", true, c -> {
                    c.allowQuery(Set.of());
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("user", c.principal().user());
                    m.put("admin", c.principal().admin());
                    return Reply.ok(m);
                }),
                Route.of("POST", "/v1/users", "user.create", true, c -> {
                    Fields f = c.fields();
                    String name = f.requiredString("name");
                    boolean admin = f.bool("admin", false);
                    f.finish();
                    UserService.IssuedToken t = users.createUser(c.principal(), name, admin);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", name);
                    m.put("admin", admin);
                    m.put("token", t.token());
                    m.put("token_id", t.id());
                    return Reply.created(m);
                }),
                Route.of("GET", "/v1/users", "user.list", true, c -> {
                    c.allowQuery(Set.of());
                    List<Object> out = new ArrayList<>();
                    for (UserRecord u : users.listUsers(c.principal())) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("name", u.name());
                        m.put("admin", u.admin());
                        m.put("created_at", KeyJson.time(u.createdAt()));
                        out.add(m);
                    }
                    return Reply.ok(Map.of("users", out));
                }),
                Route.of("DELETE", "/v1/users/{name}", "user.delete", true, c -> {
                    users.deleteUser(c.principal(), c.param(0));
                    return Reply.noContent();
                }),
                Route.of("POST", "/v1/users/{name}/tokens", "token.create", true, c -> {
                    Fields f = c.fields();
                    Long expiresIn = f.optionalLong("expires_in", 1, Long.MAX_VALUE);
                    f.finish();
                    UserService.IssuedToken t = users.createToken(c.principal(), c.param(0), expiresIn);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", t.id());
                    m.put("token", t.token());
                    m.put("expires_at", KeyJson.nullable(t.expiresAt() == null ? null : KeyJson.time(t.expiresAt())));
                    return Reply.created(m);
                }),
                Route.of("GET", "/v1/users/{name}/tokens", "token.list", true, c -> {
                    c.allowQuery(Set.of());
                    List<Object> out = new ArrayList<>();
                    for (TokenRecord t : users.listTokens(c.principal(), c.param(0))) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", t.id());
                        m.put("created_at", KeyJson.time(t.createdAt()));
                        m.put("expires_at", KeyJson.nullable(t.expiresAt() == null ? null : KeyJson.time(t.expiresAt())));
                        out.add(m);
                    }
                    return Reply.ok(Map.of("tokens", out));
                }),
                Route.of("DELETE", "/v1/users/{name}/tokens/{id}", "token.delete", true, c -> {
                    users.deleteToken(c.principal(), c.param(0), c.param(1));
                    return Reply.noContent();
                }));
    }
}
