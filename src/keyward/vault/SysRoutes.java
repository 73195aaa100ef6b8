package keyward.vault;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Fields;
import keyward.json.Json;

/** Vault's system and token paths: sys/health, sys/mounts, sys/mounts/M/tune, auth/token/lookup-self. */
final class SysRoutes {
    private final Mounts mounts;
    private final EnabledMounts enabled;
    private final Supplier<String> readiness;
    private final String version;

    SysRoutes(Mounts mounts, EnabledMounts enabled, Supplier<String> readiness, String version) {
        this.mounts = mounts;
        this.enabled = enabled;
        this.readiness = readiness;
        this.version = version;
    }

    /** GET sys/health: 200 when ready, 503 when the database does not answer (no token needed). */
    VaultReply health() {
        String failing = readiness.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initialized", true);
        m.put("sealed", false);
        m.put("standby", false);
        m.put("performance_standby", false);
        m.put("replication_performance_mode", "disabled");
        m.put("replication_dr_mode", "disabled");
        m.put("server_time_utc", Instant.now().getEpochSecond());
        m.put("version", version + "+keyward");
        m.put("cluster_name", "keyward");
        m.put("cluster_id", "");
        return new VaultReply(failing == null ? 200 : 503, m, "vault.sys.health", null);
    }

    /** GET sys/mounts: each mount as "name/" with type and options, top level and under data. */
    VaultReply listMounts() {
        Map<String, Object> all = new TreeMap<>();
        mounts.all().forEach((name, kind) -> all.put(name + "/", mountInfo(name, kind)));
        enabled.all().forEach((name, kind) -> all.putIfAbsent(name + "/", mountInfo(name, kind)));
        Map<String, Object> body = new LinkedHashMap<>(all);
        body.putAll(Answers.envelope(all));
        return new VaultReply(200, body, "vault.sys.mounts", null);
    }

    /**
     * GET sys/mounts/M/tune: MariaDB's plugin reads {@code options.version} at the top level, so
     * the fields come both there and under data, as real Vault sends them.
     */
    VaultReply tune(String mount) {
        Mounts.Kind kind = mounts.kind(mount);
        if (kind == null) {
            kind = enabled.kind(mount);
        }
        if (kind == null) {
            throw KwException.invalid("cannot fetch sysview for path \"" + mount + "/\"");
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("default_lease_ttl", 2764800L);
        t.put("max_lease_ttl", 2764800L);
        t.put("force_no_cache", false);
        t.put("description", "");
        t.put("options", kind == Mounts.Kind.KV ? Map.of("version", "2") : Json.NULL);
        Map<String, Object> body = new LinkedHashMap<>(t);
        body.putAll(Answers.envelope(t));
        return new VaultReply(200, body, "vault.sys.tune", null);
    }

    /**
     * POST sys/mounts/PATH: admins enable a KV v2 mount ({@code {"type": "kv", "options": {"version":
     * "2"}}} or type {@code kv-v2}) or a Transit mount ({@code {"type": "transit"}}); other engines
     * and KV version 1 are refused.
     */
    VaultReply enable(Principal p, String mount, Object body) {
        Fields f = Fields.of(body == null ? new LinkedHashMap<String, Object>() : body);
        String type = f.string("type");
        Object options = f.raw("options");
        String version = options instanceof Map<?, ?> o && o.get("version") != null ? String.valueOf(o.get("version")) : null;
        boolean kv2 = "kv-v2".equals(type) || "kv".equals(type) && "2".equals(version);
        boolean transit = "transit".equals(type);
        if (!kv2 && !transit) {
            throw KwException.invalid("only KV version 2 and Transit mounts can be enabled: {\"type\": \"kv\","
                    + " \"options\": {\"version\": \"2\"}} or {\"type\": \"transit\"}");
        }
        enabled.enable(p, mount, mounts, transit ? Mounts.Kind.TRANSIT : Mounts.Kind.KV);
        return new VaultReply(204, null, "vault.sys.mount", null);
    }

    private static Map<String, Object> mountInfo(String name, Mounts.Kind kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", kind == Mounts.Kind.KV ? "kv" : "transit");
        m.put("description", "");
        m.put("accessor", (kind == Mounts.Kind.KV ? "kv_" : "transit_") + name);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("default_lease_ttl", 0L);
        config.put("max_lease_ttl", 0L);
        config.put("force_no_cache", false);
        m.put("config", config);
        m.put("options", kind == Mounts.Kind.KV ? Map.of("version", "2") : Json.NULL);
        m.put("local", false);
        m.put("seal_wrap", false);
        return m;
    }

    /** GET auth/token/lookup-self: the caller as a Vault token (no expiry shown, policies by role). */
    VaultReply lookupSelf(Principal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessor", "");
        m.put("creation_time", 0L);
        m.put("creation_ttl", 0L);
        m.put("display_name", "token-" + p.user());
        m.put("entity_id", "");
        m.put("expire_time", Json.NULL);
        m.put("explicit_max_ttl", 0L);
        m.put("id", "");
        m.put("meta", Map.of("user", p.user(), "admin", Boolean.toString(p.admin())));
        m.put("num_uses", 0L);
        m.put("orphan", true);
        m.put("path", "auth/token/create");
        m.put("policies", p.admin() ? java.util.List.of("root") : java.util.List.of("default"));
        m.put("renewable", false);
        m.put("ttl", 0L);
        m.put("type", "service");
        return Answers.ok("vault.token.lookup_self", null, m);
    }
}
