package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KeyRequests;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.store.KeyPage;
import keyward.store.KeyRecord;

/**
 * KV v2 and Transit mounts enabled by an admin with {@code POST /v1/sys/mounts/<path>}, beside the
 * configured ones. Each is a {@code secret} key named {@code vault-mount-<path>}, tagged {@code vault-mount},
 * owned by the admin and readable ("get") by everyone: so an enabled mount is replicated, backed
 * up and seen by every node like any key (within the key cache's staleness). Thread-safe.
 */
final class EnabledMounts {
    private static final String TAG = "vault-mount";
    private static final String PREFIX = "vault-mount-";
    private static final String TYPE = "vault.mount.type";
    private static final String TYPE_TRANSIT = "transit";
    /** Looks mounts up as an admin would (admins see every key's metadata); never uses material. */
    private static final Principal LOOKUP = new Principal("keyward-vault-mounts", true);

    private final Core core;

    EnabledMounts(Core core) {
        this.core = core;
    }

    /** True when an admin enabled {@code mount}. */
    boolean has(String mount) {
        return kind(mount) != null;
    }

    /** What an admin enabled at {@code mount}, or null. */
    Mounts.Kind kind(String mount) {
        if (!mount.matches("[a-z0-9][a-z0-9_]{0,31}")) {
            return null;
        }
        try {
            KeyRecord k = core.keys().get(LOOKUP, PREFIX + mount);
            // only an admin's record enables a mount: anyone may create keys with any free name
            if (!(k.tags().contains(TAG) && k.algorithm().equals("secret") && ownerIsAdmin(k))) {
                return null;
            }
            return TYPE_TRANSIT.equals(k.attributes().get(TYPE)) ? Mounts.Kind.TRANSIT : Mounts.Kind.KV;
        } catch (KwException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private boolean ownerIsAdmin(KeyRecord k) {
        try {
            return core.users().principalOf(k.owner()).admin();
        } catch (KwException e) {
            return false;  // the owner was deleted
        }
    }

    /** Enables a mount of {@code kind}; admins only; a name in use (configured, enabled or reserved) is a 400. */
    void enable(Principal p, String mount, Mounts configured, Mounts.Kind kind) {
        if (!p.admin()) {
            throw KwException.forbidden("permission denied");
        }
        try {
            Mounts.checkName(mount);
        } catch (IllegalArgumentException e) {
            throw KwException.invalid(e.getMessage());
        }
        if (configured.kind(mount) != null || has(mount)) {
            throw KwException.invalid("path is already in use at " + mount + "/");
        }
        try {
            core.keys().importKey(p, new KeyRequests.Import(PREFIX + mount, "secret",
                    "kv-v2".getBytes(StandardCharsets.US_ASCII), null, List.of(TAG), Map.of(TYPE, kind == Mounts.Kind.TRANSIT ? TYPE_TRANSIT : "kv"),
                    false));
        } catch (KwException e) {
            if (e.code() == ErrorCode.CONFLICT) {
                throw KwException.invalid("path is already in use at " + mount + "/");
            }
            throw e;
        }
        core.keys().putGrant(p, PREFIX + mount, "*", List.of("get"));
    }

    /** Every enabled mount's name with its kind. */
    TreeMap<String, Mounts.Kind> all() {
        TreeMap<String, Mounts.Kind> out = new TreeMap<>();
        String after = null;
        int pages = 0;
        do {
            KeyPage page = core.keys().locate(LOOKUP, new KeyRequests.Locate(List.of(TAG), null, "secret", null, null,
                    1000, after));
            for (KeyRecord k : page.keys()) {
                if (k.name() != null && k.name().startsWith(PREFIX) && ownerIsAdmin(k)) {
                    out.put(k.name().substring(PREFIX.length()),
                            TYPE_TRANSIT.equals(k.attributes().get(TYPE)) ? Mounts.Kind.TRANSIT : Mounts.Kind.KV);
                }
            }
            after = page.next();
        } while (after != null && ++pages < 100);
        return out;
    }
}
