package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import keyward.store.Permission;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KeyRequests;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Fields;
import keyward.json.Json;
import keyward.store.KeyPage;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;

/**
 * Vault's KV v2 engine on Keyward keys: each secret is a {@code secret} key ({@link KvPaths},
 * {@link KvSecret}) whose versions hold the secret's JSON, so it is encrypted under the KEK,
 * owned, granted, audited, replicated and backed up like any key. Rights: reading data needs
 * "get" and "export", writing "rotate", delete/undelete and metadata changes "update", destroy
 * "destroy"; the first write creates the key, owned by the writer. Thread-safe.
 */
final class KvEngine {
    private static final Json.Limits SECRET_JSON = Json.Limits.forBody(65536);

    private final Core core;
    private final KvConfigs configs;

    KvEngine(Core core) {
        this.core = core;
        this.configs = new KvConfigs(core);
    }

    VaultReply handle(VaultRequest r, String mount) {
        if (r.path().size() < 2) {
            throw new VaultErrors.NotFound();
        }
        String area = r.segment(1);
        Principal p = r.principal();
        String m = r.method();
        if (area.equals("config") && r.path().size() == 2) {
            return switch (m) {
                case "GET" -> Answers.ok("vault.kv.config.read", null, config(configs.of(mount)));
                case "POST", "PUT" -> writeConfig(p, mount, r.body());
                default -> throw notAllowed();
            };
        }
        if (area.equals("metadata") && (m.equals("LIST"))) {
            return list(p, mount, r.rest(2));
        }
        if (r.path().size() < 3) {
            throw new VaultErrors.NotFound();
        }
        String path = KvPaths.normalize(r.rest(2));
        String name = KvPaths.keyName(mount, path);
        Fields f = r.body() == null ? null : Fields.of(r.body());
        switch (area) {
            case "data":
                return switch (m) {
                    case "GET" -> read(p, name, r.query("version"));
                    case "POST", "PUT" -> write(p, mount, path, name, f);
                    case "DELETE" -> deleteLatest(p, name);
                    default -> throw notAllowed();
                };
            case "delete":
            case "undelete":
            case "destroy":
                if (!m.equals("POST") && !m.equals("PUT")) {
                    throw notAllowed();
                }
                return versions(p, name, area, f);
            case "metadata":
                return switch (m) {
                    case "GET" -> Answers.ok("vault.kv.metadata.read", name, secret(p, name).metadata());
                    case "POST", "PUT" -> writeMetadata(p, name, f);
                    case "DELETE" -> deleteAll(p, name);
                    default -> throw notAllowed();
                };
            default:
                throw new VaultErrors.NotFound();
        }
    }

    private static Map<String, Object> config(KvConfigs.Config mc) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cas_required", mc.casRequired());
        c.put("delete_version_after", "0s");
        c.put("max_versions", (long) mc.maxVersions());
        return c;
    }

    private VaultReply writeConfig(Principal p, String mount, Object body) {
        Fields f = Fields.of(body == null ? new LinkedHashMap<String, Object>() : body);
        Long max = f.optionalLong("max_versions", 0, 1_000_000);
        Boolean cas = f.has("cas_required") ? f.bool("cas_required", false) : null;
        String after = f.string("delete_version_after");
        f.finish();
        if (after != null && !after.equals("0s") && !after.equals("0")) {
            throw KwException.invalid("field 'delete_version_after' is not served; only \"0s\" is accepted");
        }
        configs.write(p, mount, max, cas);
        return Answers.noContent("vault.kv.config.write", null);
    }

    /** The secret, or a plain 404 when it does not exist, is invisible to the caller or has no version. */
    private KvSecret secret(Principal p, String name) {
        KeyRecord k;
        try {
            k = core.keys().get(p, name);
        } catch (KwException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new VaultErrors.NotFound();
            }
            throw e;
        }
        if (!k.algorithm().equals("secret") || !k.tags().contains(KvPaths.TAG)) {
            throw new VaultErrors.NotFound();
        }
        KvSecret s = new KvSecret(k);
        if (s.current() == 0) {
            throw new VaultErrors.NotFound();
        }
        return s;
    }

    private VaultReply read(Principal p, String name, String versionParam) {
        KvSecret s = secret(p, name);
        String operation = versionParam == null ? "vault.kv.read" : "vault.kv.read_version";
        int n = versionParam == null || versionParam.isEmpty() || versionParam.equals("0") ? s.current()
                : parseVersion("version", versionParam);
        KeyVersion v = s.version(n);
        if (v == null) {
            throw new VaultErrors.NotFound();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (v.destroyed() || s.deleted.containsKey(n)) {
            data.put("data", Json.NULL);
            data.put("metadata", s.versionMetadata(n, v));
            return new VaultReply(404, Answers.envelope(data), operation, name);
        }
        byte[] json = core.crypto().export(p, name, v.version(), null).bytes();
        try {
            data.put("data", Json.parse(json, SECRET_JSON));
        } finally {
            java.util.Arrays.fill(json, (byte) 0);
        }
        data.put("metadata", s.versionMetadata(n, v));
        return Answers.ok(operation, name, data);
    }

    private VaultReply write(Principal p, String mount, String path, String name, Fields f) {
        if (f == null) {
            throw KwException.invalid("no data provided");
        }
        Object data = f.raw("data");
        Object options = f.raw("options");
        f.finish();
        if (!(data instanceof Map<?, ?>)) {
            throw KwException.invalid("no data provided: field 'data' must be a JSON object");
        }
        Long cas = null;
        if (options instanceof Map<?, ?>) {
            Fields o = Fields.of(options, "options");
            cas = o.optionalLong("cas", 0, Integer.MAX_VALUE);
            o.finish();
        } else if (options != null && options != Json.NULL) {
            throw KwException.invalid("field 'options' must be a JSON object");
        }
        byte[] json = Json.writeBytes(data);
        if (json.length > 65536) {
            throw KwException.invalid("field 'data' must be at most 65536 bytes as JSON");
        }
        KeyRecord k = createOrEdit(p, mount, path, name, json, cas);
        KvSecret s = new KvSecret(k);
        return Answers.ok("vault.kv.write", name, s.versionMetadata(s.current(), s.version(s.current())));
    }

    private KeyRecord createOrEdit(Principal p, String mount, String path, String name, byte[] json, Long cas) {
        if (cas == null && configs.of(mount).casRequired()) {
            throw KwException.invalid("check-and-set parameter required for this call");
        }
        if (cas == null || cas == 0) {
            try {
                core.keys().get(p, name);
            } catch (KwException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                Map<String, String> attributes = new HashMap<>();
                attributes.put(KvPaths.ATTR_MOUNT, mount);
                attributes.put(KvPaths.ATTR_PATH, path);
                try {
                    return core.keys().importKey(p, new KeyRequests.Import(name, "secret", json.clone(), null,
                            List.of(KvPaths.TAG, KvPaths.mountTag(mount)), attributes, true));
                } catch (KwException conflict) {
                    if (conflict.code() != ErrorCode.CONFLICT) {
                        throw conflict;
                    }
                    // another writer created it first (or a key the caller cannot see holds the name)
                }
            }
        }
        try {
            return editForWrite(p, name, json, cas);
        } catch (KwException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                // the path is held by a secret the caller may not see: as Vault without a policy for it
                throw KwException.forbidden("permission denied");
            }
            throw e;
        }
    }

    private KeyRecord editForWrite(Principal p, String name, byte[] json, Long cas) {
        KvConfigs.Config mc = configs.of(mount(name));
        return core.keys().editSecret(p, name, Permission.ROTATE, k -> {
            requireKv(k);
            KvSecret s = new KvSecret(k);
            if (cas != null && cas != s.current()) {
                throw KwException.invalid("check-and-set parameter did not match the current version");
            }
            if (cas == null && (s.casRequired() || mc.casRequired())) {
                throw KwException.invalid("check-and-set parameter required for this call");
            }
            Map<String, String> a = new HashMap<>(k.attributes());
            Set<Integer> erase = new HashSet<>();
            int next = s.current() + 1;
            int max = s.maxVersions() > 0 ? s.maxVersions() : mc.maxVersions();
            if (max > 0 && next - s.oldest + 1 > max) {
                int oldest = next - max + 1;
                for (int n = s.oldest; n < oldest; n++) {
                    erase.add(s.base + n);
                }
                a.put(KvSecret.ATTR_OLDEST, Integer.toString(oldest));
                Map<Integer, Instant> deleted = new TreeMap<>(s.deleted);
                deleted.keySet().removeIf(n -> n < oldest);
                putOrRemove(a, KvSecret.ATTR_DELETED, KvSecret.formatDeleted(deleted));
            }
            if (s.current() == 0) {
                a.put(KvSecret.ATTR_OLDEST, "1");
            }
            return new KeyRequests.SecretEdit(json.clone(), erase, a);
        });
    }

    /** The mount in a secret's key name ({@code kv-<mount>-<hex>}). */
    private static String mount(String keyName) {
        return keyName.substring(3, keyName.lastIndexOf('-'));
    }

    private static void requireKv(KeyRecord k) {
        if (!k.tags().contains(KvPaths.TAG)) {
            throw KwException.invalid("the path is held by a key that is not a KV secret");
        }
    }

    private VaultReply deleteLatest(Principal p, String name) {
        KvSecret first = secret(p, name);
        int n = first.current();
        editVersions(p, name, Permission.UPDATE, Set.of(n), "delete");
        return Answers.noContent("vault.kv.delete", name);
    }

    private VaultReply versions(Principal p, String name, String area, Fields f) {
        if (f == null) {
            throw KwException.invalid("no versions provided");
        }
        List<Object> list = f.list("versions");
        f.finish();
        if (list == null || list.isEmpty()) {
            throw KwException.invalid("no version number provided");
        }
        Set<Integer> numbers = new TreeSet<>();
        for (Object o : list) {
            if (o instanceof Long l && l >= 1 && l <= Integer.MAX_VALUE) {
                numbers.add(l.intValue());
            } else if (o instanceof String s) {
                numbers.add(parseVersion("versions", s));
            } else {
                throw KwException.invalid("field 'versions' must list version numbers");
            }
        }
        secret(p, name);
        editVersions(p, name, area.equals("destroy") ? Permission.DESTROY : Permission.UPDATE, numbers, area);
        return Answers.noContent("vault.kv." + area, name);
    }

    private void editVersions(Principal p, String name, Permission right, Set<Integer> numbers, String what) {
        core.keys().editSecret(p, name, right, k -> {
            requireKv(k);
            KvSecret s = new KvSecret(k);
            Map<Integer, Instant> deleted = new TreeMap<>(s.deleted);
            Set<Integer> erase = new HashSet<>();
            Instant now = Instant.now();
            for (int n : numbers) {
                KeyVersion v = s.version(n);
                if (v == null) {
                    continue;  // Vault ignores versions a secret does not have
                }
                switch (what) {
                    case "delete" -> deleted.putIfAbsent(n, now);
                    case "undelete" -> deleted.remove(n);
                    default -> erase.add(v.version());
                }
            }
            Map<String, String> a = new HashMap<>(k.attributes());
            putOrRemove(a, KvSecret.ATTR_DELETED, KvSecret.formatDeleted(deleted));
            return new KeyRequests.SecretEdit(null, erase, a);
        });
    }

    private VaultReply writeMetadata(Principal p, String name, Fields f) {
        if (f == null) {
            f = Fields.of(new LinkedHashMap<String, Object>());
        }
        Long max = f.optionalLong("max_versions", 0, 1_000_000);
        Boolean cas = f.has("cas_required") ? f.bool("cas_required", false) : null;
        String after = f.string("delete_version_after");
        Map<String, String> custom = f.stringMap("custom_metadata");
        f.finish();
        if (after != null && !after.equals("0s") && !after.equals("0")) {
            throw KwException.invalid("field 'delete_version_after' is not served; only \"0s\" is accepted");
        }
        secret(p, name);
        core.keys().editSecret(p, name, Permission.UPDATE, k -> {
            requireKv(k);
            Map<String, String> a = new HashMap<>(k.attributes());
            if (max != null) {
                a.put(KvSecret.ATTR_MAX_VERSIONS, Long.toString(max));
            }
            if (cas != null) {
                a.put(KvSecret.ATTR_CAS_REQUIRED, cas.toString());
            }
            if (custom != null) {
                a.keySet().removeIf(key -> key.startsWith(KvSecret.ATTR_CUSTOM));
                custom.forEach((key, v) -> putOrRemove(a, KvSecret.ATTR_CUSTOM + key, v));
            }
            return new KeyRequests.SecretEdit(null, null, a);
        });
        return Answers.noContent("vault.kv.metadata.write", name);
    }

    private VaultReply deleteAll(Principal p, String name) {
        secret(p, name);
        core.keys().editSecret(p, name, Permission.DESTROY, k -> {
            requireKv(k);
            Set<Integer> erase = new HashSet<>();
            for (KeyVersion v : k.versions()) {
                erase.add(v.version());
            }
            Map<String, String> a = new HashMap<>();
            a.put(KvPaths.ATTR_MOUNT, k.attributes().getOrDefault(KvPaths.ATTR_MOUNT, ""));
            a.put(KvPaths.ATTR_PATH, k.attributes().getOrDefault(KvPaths.ATTR_PATH, ""));
            a.put(KvSecret.ATTR_BASE, Integer.toString(k.primaryVersion()));
            return new KeyRequests.SecretEdit(null, erase, a);
        });
        return Answers.noContent("vault.kv.metadata.delete", name);
    }

    /** The names right under {@code prefix} (folders end in '/'); 404 when there are none. */
    private VaultReply list(Principal p, String mount, String prefix) {
        String pre = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        if (pre.startsWith("/")) {
            pre = pre.substring(1);
        }
        TreeSet<String> names = new TreeSet<>();
        String after = null;
        int pages = 0;
        do {
            KeyPage page = core.keys().locate(p, new KeyRequests.Locate(List.of(KvPaths.mountTag(mount)), null,
                    "secret", null, null, 1000, after));
            for (KeyRecord k : page.keys()) {
                String path = k.attributes().get(KvPaths.ATTR_PATH);
                if (path == null || !mount.equals(k.attributes().get(KvPaths.ATTR_MOUNT))
                        || new KvSecret(k).current() == 0 || !path.startsWith(pre)) {
                    continue;
                }
                String restOf = path.substring(pre.length());
                int slash = restOf.indexOf('/');
                names.add(slash < 0 ? restOf : restOf.substring(0, slash + 1));
            }
            after = page.next();
        } while (after != null && ++pages < 100);
        if (names.isEmpty()) {
            throw new VaultErrors.NotFound();
        }
        return Answers.ok("vault.kv.list", null, Map.of("keys", new ArrayList<>(names)));
    }

    /** Attribute values are never empty in the store: an empty one is removed. */
    private static void putOrRemove(Map<String, String> a, String name, String value) {
        if (value.isEmpty()) {
            a.remove(name);
        } else {
            a.put(name, value);
        }
    }

    static int parseVersion(String field, String s) {
        if (!s.isEmpty() && s.length() <= 9 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Integer.parseInt(s);
        }
        throw KwException.invalid("'" + field + "' must be a version number");
    }

    static KwException notAllowed() {
        return new KwException(ErrorCode.METHOD_NOT_ALLOWED, "unsupported operation");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
