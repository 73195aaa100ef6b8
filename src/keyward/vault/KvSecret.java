package keyward.vault;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;

/**
 * The KV v2 view of a secret's key record. KV version n is key version {@code base + n}: deleting
 * all of a secret's metadata erases every version's material and moves {@code base} to the last
 * key version, so numbering restarts at 1 while key versions (which replication merges as a union)
 * are never removed. Soft deletions are kept in one attribute as {@code n:epochMillis,...};
 * versions below {@code oldest} (trimmed by max_versions) are erased and no longer listed.
 */
final class KvSecret {
    static final String ATTR_BASE = "vault.kv.base";
    static final String ATTR_OLDEST = "vault.kv.oldest";
    static final String ATTR_DELETED = "vault.kv.deleted";
    static final String ATTR_MAX_VERSIONS = "vault.kv.max_versions";
    static final String ATTR_CAS_REQUIRED = "vault.kv.cas_required";
    static final String ATTR_CUSTOM = "vault.kv.custom.";

    final KeyRecord record;
    final int base;
    final int oldest;
    final Map<Integer, Instant> deleted;

    KvSecret(KeyRecord record) {
        this.record = record;
        this.base = intAttr(record, ATTR_BASE, 0);
        this.oldest = Math.max(1, intAttr(record, ATTR_OLDEST, 1));
        this.deleted = parseDeleted(record.attributes().get(ATTR_DELETED));
    }

    /** The newest KV version, 0 when the secret has none (never written, or all metadata deleted). */
    int current() {
        return Math.max(0, record.primaryVersion() - base);
    }

    int maxVersions() {
        return intAttr(record, ATTR_MAX_VERSIONS, 0);
    }

    boolean casRequired() {
        return "true".equals(record.attributes().get(ATTR_CAS_REQUIRED));
    }

    /** The key version behind KV version n, or null if the secret never had it or it was trimmed. */
    KeyVersion version(int n) {
        if (n < oldest || n > current()) {
            return null;
        }
        return record.version(base + n).orElse(null);
    }

    /** Vault's metadata of one version: created_time, custom_metadata, deletion_time, destroyed, version. */
    Map<String, Object> versionMetadata(int n, KeyVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created_time", v.createdAt().toString());
        m.put("custom_metadata", custom().isEmpty() ? Json.NULL : custom());
        Instant d = deleted.get(n);
        m.put("deletion_time", d == null ? "" : d.toString());
        m.put("destroyed", v.destroyed());
        m.put("version", (long) n);
        return m;
    }

    Map<String, Object> custom() {
        Map<String, Object> out = new TreeMap<>();
        record.attributes().forEach((k, v) -> {
            if (k.startsWith(ATTR_CUSTOM)) {
                out.put(k.substring(ATTR_CUSTOM.length()), v);
            }
        });
        return out;
    }

    /** Vault's secret metadata (GET metadata/path). */
    Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> versions = new LinkedHashMap<>();
        Instant created = null;
        Instant updated = null;
        for (int n = oldest; n <= current(); n++) {
            KeyVersion v = version(n);
            if (v == null) {
                continue;
            }
            created = created == null ? v.createdAt() : created;
            updated = v.createdAt();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("created_time", v.createdAt().toString());
            Instant d = deleted.get(n);
            one.put("deletion_time", d == null ? "" : d.toString());
            one.put("destroyed", v.destroyed());
            versions.put(Integer.toString(n), one);
        }
        m.put("cas_required", casRequired());
        m.put("created_time", created == null ? "" : created.toString());
        m.put("current_version", (long) current());
        m.put("custom_metadata", custom().isEmpty() ? Json.NULL : custom());
        m.put("delete_version_after", "0s");
        m.put("max_versions", (long) maxVersions());
        m.put("oldest_version", (long) (current() == 0 ? 0 : oldest));
        m.put("updated_time", updated == null ? "" : updated.toString());
        m.put("versions", versions);
        return m;
    }

    static String formatDeleted(Map<Integer, Instant> deleted) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(deleted).forEach((n, t) -> sb.append(sb.length() == 0 ? "" : ",").append(n).append(':')
                .append(t.toEpochMilli()));
        return sb.toString();
    }

    private static Map<Integer, Instant> parseDeleted(String s) {
        Map<Integer, Instant> out = new TreeMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String part : s.split(",")) {
            int colon = part.indexOf(':');
            if (colon > 0) {
                try {
                    out.put(Integer.parseInt(part.substring(0, colon)),
                            Instant.ofEpochMilli(Long.parseLong(part.substring(colon + 1))));
                } catch (NumberFormatException e) {
                    // an entry edited by hand: ignored, as if not deleted
                }
            }
        }
        return out;
    }

    static int intAttr(KeyRecord k, String name, int dflt) {
        String v = k.attributes().get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
