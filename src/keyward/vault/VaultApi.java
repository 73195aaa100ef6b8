package keyward.vault;

import java.util.List;
import java.util.function.Supplier;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KwException;

/**
 * The Vault-compatible API (docs/vault.md): {@code sys/}, {@code auth/token/} and the KV v2 and
 * Transit mounts, answered in Vault's envelope and error shape. The HTTP layer hands over every
 * request under /v1/ for sys, auth or a configured mount ({@link #serves}), authenticated
 * unless {@link #needsToken} says otherwise. Thread-safe.
 */
public final class VaultApi {
    private final Mounts mounts;
    private final SysRoutes sys;
    private final KvEngine kv;
    private final TransitEngine transit;
    private final EnabledMounts enabled;

    public VaultApi(Core core, Mounts mounts, Supplier<String> readiness, String version) {
        this.mounts = mounts;
        this.enabled = new EnabledMounts(core);
        this.sys = new SysRoutes(mounts, enabled, readiness, version);
        this.kv = new KvEngine(core);
        this.transit = new TransitEngine(core);
    }

    /**
     * True for a path (segments after /v1/) this API answers: {@code sys/...}, {@code auth/...}
     * and the configured mounts. Anything else under /v1/ stays Keyward's own (its 404 included).
     */
    public boolean serves(List<String> path) {
        if (path.isEmpty()) {
            return false;
        }
        String first = path.get(0);
        return first.equals("sys") || first.equals("auth") || mounts.kind(first) != null || enabled.has(first);
    }

    /** Only sys/health is answered without a token. */
    public static boolean needsToken(List<String> path) {
        return !(path.size() == 2 && path.get(0).equals("sys") && path.get(1).equals("health"));
    }

    /** The answer; throws the core's exceptions, which {@link VaultErrors#reply} turns into Vault's shape. */
    public VaultReply handle(VaultRequest r) {
        List<String> p = r.path();
        String first = p.get(0);
        if (first.equals("sys")) {
            return system(r);
        }
        if (first.equals("auth")) {
            if (p.equals(List.of("auth", "token", "lookup-self"))) {
                requireMethod(r, "GET", "POST");
                return sys.lookupSelf(r.principal());
            }
            throw new VaultErrors.NotFound();
        }
        Mounts.Kind kind = mounts.kind(first);
        if (kind == null) {
            kind = enabled.kind(first);
        }
        if (kind == null) {
            throw new VaultErrors.NotFound();
        }
        if (kind == Mounts.Kind.KV) {
            return kv.handle(r, first);
        }
        return first.equals(Mounts.TRANSIT) ? transit.handle(r, first) : TransitMount.handle(transit, r, first);
    }

    private VaultReply system(VaultRequest r) {
        List<String> p = r.path();
        if (p.size() == 2 && p.get(1).equals("health")) {
            requireMethod(r, "GET", "HEAD");
            return sys.health();
        }
        if (p.size() == 2 && p.get(1).equals("mounts")) {
            requireMethod(r, "GET");
            return sys.listMounts();
        }
        if (p.size() == 4 && p.get(1).equals("mounts") && p.get(3).equals("tune")) {
            requireMethod(r, "GET");
            return sys.tune(p.get(2));
        }
        if (p.size() == 3 && p.get(1).equals("mounts")) {
            requireMethod(r, "POST", "PUT");
            return sys.enable(r.principal(), p.get(2), r.body());
        }
        throw new VaultErrors.NotFound();
    }

    static void requireMethod(VaultRequest r, String... allowed) {
        for (String m : allowed) {
            if (m.equals(r.method())) {
                return;
            }
        }
        throw new KwException(ErrorCode.METHOD_NOT_ALLOWED, "unsupported operation");
    }
}
