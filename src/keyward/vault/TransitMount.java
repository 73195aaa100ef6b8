package keyward.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Transit mount an admin enabled beside {@code transit}: its own key namespace. The key
 * {@code NAME} of mount {@code M} is the Keyward key named {@code M.NAME} (mount names have no
 * dot), so it is audited, granted, replicated and backed up like every key, and the default
 * {@code transit} mount, which addresses every key by its Keyward name, also sees it as
 * {@code M.NAME}. Listing {@code M/keys} shows only that mount's keys, by their names in it.
 */
final class TransitMount {
    /** Areas whose next segment is a key name; {@code datakey} and {@code export} name one later. */
    private static final Set<String> NAME_AT_2 = Set.of("keys", "encrypt", "decrypt", "rewrap", "sign", "verify", "hmac");
    private static final Set<String> NAME_AT_3 = Set.of("datakey", "export");

    private TransitMount() {
    }

    static VaultReply handle(TransitEngine transit, VaultRequest r, String mount) {
        List<String> p = r.path();
        String prefix = mount + ".";
        if (p.size() >= 2 && p.get(1).equals("keys") && (p.size() == 2 || p.size() == 3 && p.get(2).isEmpty())) {
            VaultApi.requireMethod(r, "LIST");
            return transit.list(r.principal(), prefix);
        }
        int at = p.size() >= 2 && NAME_AT_2.contains(p.get(1)) ? 2 : p.size() >= 2 && NAME_AT_3.contains(p.get(1)) ? 3 : -1;
        if (at < 0 || p.size() <= at) {
            return transit.handle(r, mount);  // random, hash, or a path that is not found either way
        }
        String name = p.get(at);
        List<String> mapped = new ArrayList<>(p);
        mapped.set(at, prefix + name);
        VaultReply reply = transit.handle(new VaultRequest(r.method(), mapped, r.query(), r.body(), r.principal()), mount);
        return unmapped(reply, prefix + name, name);
    }

    /** A key's read answer names it as the mount knows it, not by its Keyward name. */
    private static VaultReply unmapped(VaultReply reply, String keywardName, String name) {
        if (reply.body() instanceof Map<?, ?> body && body.get("data") instanceof Map<?, ?> data
                && keywardName.equals(data.get("name"))) {
            Map<String, Object> d = new LinkedHashMap<>();
            data.forEach((k, v) -> d.put(String.valueOf(k), v));
            d.put("name", name);
            Map<String, Object> b = new LinkedHashMap<>();
            body.forEach((k, v) -> b.put(String.valueOf(k), v));
            b.put("data", d);
            return new VaultReply(reply.status(), b, reply.operation(), reply.keyRef());
        }
        return reply;
    }
}
