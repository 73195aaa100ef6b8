package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import keyward.store.Permission;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KeyRequests;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.store.KeyRecord;

/**
 * A KV v2 mount's config ({@code max_versions}, {@code cas_required}), written by admins with
 * {@code POST <mount>/config}: kept as the attributes of a {@code secret} key named
 * {@code vault-kvconfig-<mount>}, owned by an admin and readable by everyone, so it replicates
 * and is backed up like any key. Only a record owned by an admin counts. Thread-safe.
 */
final class KvConfigs {
    private static final String PREFIX = "vault-kvconfig-";
    private static final String TAG = "vault-kvconfig";
    private static final Principal LOOKUP = new Principal("keyward-vault-mounts", true);

    /** A mount's settings; max_versions 0 = keep every version. */
    record Config(int maxVersions, boolean casRequired) {
    }

    private final Core core;

    KvConfigs(Core core) {
        this.core = core;
    }

    Config of(String mount) {
        try {
            KeyRecord k = core.keys().get(LOOKUP, PREFIX + mount);
            if (!k.tags().contains(TAG) || !core.users().principalOf(k.owner()).admin()) {
                return new Config(0, false);
            }
            return new Config(KvSecret.intAttr(k, KvSecret.ATTR_MAX_VERSIONS, 0),
                    "true".equals(k.attributes().get(KvSecret.ATTR_CAS_REQUIRED)));
        } catch (KwException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.UNAUTHENTICATED) {
                return new Config(0, false);
            }
            throw e;
        }
    }

    /** Sets what is given (null keeps); admins only. */
    void write(Principal p, String mount, Long maxVersions, Boolean casRequired) {
        if (!p.admin()) {
            throw KwException.forbidden("permission denied");
        }
        String name = PREFIX + mount;
        try {
            core.keys().get(p, name);
        } catch (KwException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            try {
                core.keys().importKey(p, new KeyRequests.Import(name, "secret", "kv-config".getBytes(StandardCharsets.US_ASCII),
                        null, List.of(TAG), Map.of(), false));
                core.keys().putGrant(p, name, "*", List.of("get"));
            } catch (KwException conflict) {
                if (conflict.code() != ErrorCode.CONFLICT) {
                    throw conflict;
                }
            }
        }
        core.keys().editSecret(p, name, Permission.UPDATE, k -> {
            Map<String, String> a = new HashMap<>(k.attributes());
            if (maxVersions != null) {
                a.put(KvSecret.ATTR_MAX_VERSIONS, Long.toString(maxVersions));
            }
            if (casRequired != null) {
                a.put(KvSecret.ATTR_CAS_REQUIRED, casRequired.toString());
            }
            return new KeyRequests.SecretEdit(null, null, a);
        });
    }
}
