package keyward.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;

/** Key metadata as api.md shows it. Never includes material. */
final class KeyJson {
    private KeyJson() {
    }

    static Map<String, Object> metadata(KeyRecord k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", nullable(k.name()));
        m.put("algorithm", k.algorithm());
        m.put("state", k.state());
        m.put("owner", k.owner());
        m.put("tags", k.tags());
        m.put("attributes", new TreeMap<>(k.attributes()));
        m.put("exportable", k.exportable());
        m.put("primary_version", (long) k.primaryVersion());
        m.put("min_decryption_version", (long) k.minDecryptionVersion());
        m.put("auto_rotate_period", k.autoRotatePeriod());
        List<Object> versions = new ArrayList<>();
        for (KeyVersion v : k.versions()) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("version", (long) v.version());
            vm.put("created_at", time(v.createdAt()));
            versions.add(vm);
        }
        m.put("versions", versions);
        m.put("created_at", time(k.createdAt()));
        m.put("updated_at", time(k.updatedAt()));
        m.put("destroy_at", k.destroyAt() == null ? Json.NULL : time(k.destroyAt()));
        return m;
    }

    static Object nullable(Object o) {
        return o == null ? Json.NULL : o;
    }

    static String time(Instant t) {
        return t.toString();
    }

    static String b64(byte[] b) {
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    static Map<String, Object> output(keyward.core.CryptoService.Output o, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(field, o.value());
        m.put("version", (long) o.version());
        return m;
    }
}
