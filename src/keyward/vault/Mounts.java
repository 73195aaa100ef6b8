package keyward.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Vault mounts this node serves: KV v2 at the configured {@code vault_kv_mounts} and Transit
 * at {@code transit}. A mount name may not be one of the first path segments of Keyward's own
 * API under /v1/, nor Vault's {@code sys}, {@code auth} or another reserved one. Immutable.
 */
public final class Mounts {
    /** First segments under /v1/ that belong to Keyward's own API or to Vault's system paths. */
    static final Set<String> RESERVED = Set.of("keys", "users", "whoami", "audit", "random", "wrapping-key",
            "replication", "sys", "auth", "identity", "cubbyhole", "v1");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_]{0,31}");

    /** What a mount serves. */
    enum Kind { KV, TRANSIT }

    /** The Transit mount every deployment has: it addresses every key by its Keyward name. */
    static final String TRANSIT = "transit";

    private final Map<String, Kind> mounts;

    private Mounts(Map<String, Kind> mounts) {
        this.mounts = mounts;
    }

    /**
     * KV v2 at each of {@code kvMounts}, Transit at "transit".
     *
     * @throws IllegalArgumentException naming the bad mount (a reserved or malformed name, or "transit")
     */
    public static Mounts of(List<String> kvMounts) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (String k : kvMounts) {
            checkName(k);
            if (k.equals("transit")) {
                throw new IllegalArgumentException("vault_kv_mounts: 'transit' is the Transit mount");
            }
            m.put(k, Kind.KV);
        }
        m.put("transit", Kind.TRANSIT);
        return new Mounts(Map.copyOf(m));
    }

    /** Refuses names that are reserved or not [a-z0-9][a-z0-9_]{0,31}. */
    public static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("vault mount '" + name + "' must match [a-z0-9][a-z0-9_]{0,31}");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("vault mount '" + name + "' collides with a path of Keyward's API");
        }
    }

    Kind kind(String mount) {
        return mounts.get(mount);
    }

    Map<String, Kind> all() {
        return mounts;
    }
}
