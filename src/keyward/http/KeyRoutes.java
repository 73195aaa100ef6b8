package keyward.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.KwException;
import keyward.json.Fields;
import keyward.store.KeyPage;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/** The key lifecycle endpoints and grants (api.md, Keys and Access). */
final class KeyRoutes {
    private static final Set<String> LOCATE_PARAMS = Set.of("tag", "name", "algorithm", "state", "owner", "limit", "after");

    private KeyRoutes() {
    }

    static List<Route> routes(Core core) {
        var keys = core.keys();
        return List.of(
                Route.of("POST", "/v1/keys", "key.create", true, c -> {
                    Fields f = c.fields();
                    var r = new KeyRequests.Create(f.string("name"), f.requiredString("algorithm"),
                            f.stringList("tags"), f.stringMap("attributes"), f.bool("exportable", false),
                            f.longValue("auto_rotate_period", 0, 0, Long.MAX_VALUE));
                    f.finish();
                    return created(c, keys.create(c.principal(), r));
                }),
                Route.of("POST", "/v1/keys/import", "key.import", true, c -> {
                    Fields f = c.fields();
                    var r = new KeyRequests.Import(f.string("name"), f.requiredString("algorithm"),
                            f.base64("material"), f.base64("wrapped_material"), f.stringList("tags"),
                            f.stringMap("attributes"), f.bool("exportable", false));
                    f.finish();
                    if ((r.material() == null) == (r.wrappedMaterial() == null)) {
                        throw KwException.invalid("give exactly one of the fields 'material' and 'wrapped_material'");
                    }
                    return created(c, keys.importKey(c.principal(), r));
                }),
                Route.of("GET", "/v1/keys", "key.locate", true, c -> {
                    c.allowQuery(LOCATE_PARAMS);
                    Integer limit = c.queryInt("limit", 1, 1000);
                    var q = new KeyRequests.Locate(c.queryAll("tag"), c.query("name"), c.query("algorithm"),
                            c.query("state"), c.query("owner"), limit == null ? 100 : limit, c.query("after"));
                    KeyPage page = keys.locate(c.principal(), q);
                    List<Object> out = new ArrayList<>();
                    for (KeyRecord k : page.keys()) {
                        out.add(KeyJson.metadata(k));
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("keys", out);
                    body.put("next", KeyJson.nullable(page.next()));
                    return Reply.ok(body);
                }),
                Route.of("GET", "/v1/keys/{ref}", "key.get", true, c -> {
                    c.allowQuery(Set.of());
                    return Reply.ok(KeyJson.metadata(keys.get(c.principal(), c.param(0))));
                }),
                Route.of("PATCH", "/v1/keys/{ref}", "key.update", true, c -> {
                    Fields f = c.fields();
                    Long min = f.optionalLong("min_decryption_version", 1, Integer.MAX_VALUE);
                    var r = new KeyRequests.Patch(f.string("name"), f.stringList("tags"), f.stringMap("attributes"),
                            min == null ? null : min.intValue(), f.optionalLong("auto_rotate_period", 0, Long.MAX_VALUE),
                            f.has("exportable") ? f.bool("exportable", false) : null);
                    f.finish();
                    return Reply.ok(KeyJson.metadata(keys.patch(c.principal(), c.param(0), r)));
                }),
                Route.of("POST", "/v1/keys/{ref}/rotate", "key.rotate", true, c -> {
                    c.fields().finish();
                    return Reply.ok(KeyJson.metadata(keys.rotate(c.principal(), c.param(0))));
                }),
                Route.of("POST", "/v1/keys/{ref}/revoke", "key.revoke", true, c -> {
                    Fields f = c.fields();
                    String reason = f.requiredString("reason");
                    String message = f.string("message");
                    if (message != null && message.length() > 1024) {
                        throw KwException.invalid("field 'message' must be at most 1024 characters");
                    }
                    f.finish();
                    return Reply.ok(KeyJson.metadata(keys.revoke(c.principal(), c.param(0), reason)));
                }),
                Route.of("DELETE", "/v1/keys/{ref}", "key.destroy", true, c -> {
                    c.allowQuery(Set.of("pending_days"));
                    Integer days = c.queryInt("pending_days", 0, 3650);
                    return Reply.ok(KeyJson.metadata(keys.scheduleDestroy(c.principal(), c.param(0), days)));
                }),
                Route.of("POST", "/v1/keys/{ref}/cancel-destroy", "key.cancel_destroy", true, c -> {
                    c.fields().finish();
                    return Reply.ok(KeyJson.metadata(keys.cancelDestroy(c.principal(), c.param(0))));
                }),
                Route.of("GET", "/v1/keys/{ref}/grants", "grant.list", true, c -> {
                    Map<String, Set<Permission>> grants = new TreeMap<>(keys.grants(c.principal(), c.param(0)));
                    List<Object> out = new ArrayList<>();
                    grants.forEach((user, ops) -> out.add(grantJson(user, ops)));
                    return Reply.ok(Map.of("grants", out));
                }),
                Route.of("PUT", "/v1/keys/{ref}/grants/{user}", "grant.put", true, c -> {
                    Fields f = c.fields();
                    List<String> ops = f.stringList("operations");
                    if (ops == null) {
                        throw KwException.invalid("missing field 'operations'");
                    }
                    f.finish();
                    KeyRecord k = keys.putGrant(c.principal(), c.param(0), c.param(1), ops);
                    return Reply.ok(grantJson(c.param(1), k.grants().get(c.param(1))));
                }),
                Route.of("DELETE", "/v1/keys/{ref}/grants/{user}", "grant.delete", true, c -> {
                    keys.deleteGrant(c.principal(), c.param(0), c.param(1));
                    return Reply.noContent();
                }));
    }

    /** 201 with the new key's metadata; the audit entry names the key by its new id. */
    private static Reply created(Call c, KeyRecord k) {
        c.auditKey = k.id();
        return Reply.created(KeyJson.metadata(k));
    }

    private static Map<String, Object> grantJson(String user, Set<Permission> ops) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("user", user);
        g.put("operations", Permission.sortedNames(ops));
        return g;
    }
}
