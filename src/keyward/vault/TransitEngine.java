package keyward.vault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import keyward.store.KeyState;
import keyward.core.Core;
import keyward.core.CryptoService;
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
 * Vault's Transit engine on Keyward keys: a Transit key is the Keyward key of that name (same
 * record, versions, grants, audit), so rotating it through either API is seen by both. Key
 * management lives here; the operations are in {@link TransitOps}. Vault-only settings
 * (deletion_allowed, min_encryption_version) are key attributes. Thread-safe.
 */
final class TransitEngine {
    static final String ATTR_DELETION_ALLOWED = "vault.transit.deletion_allowed";
    static final String ATTR_MIN_ENCRYPTION = "vault.transit.min_encryption_version";
    static final String ATTR_DERIVED = "vault.transit.derived";
    static final String ATTR_CONVERGENT = "vault.transit.convergent";

    private final Core core;
    private final TransitOps ops;

    TransitEngine(Core core) {
        this.core = core;
        this.ops = new TransitOps(core, this);
    }

    VaultReply handle(VaultRequest r, String mount) {
        List<String> p = r.path();
        String m = r.method();
        if (p.size() < 2) {
            throw new VaultErrors.NotFound();
        }
        String area = p.get(1);
        Fields f = r.body() == null ? Fields.of(new LinkedHashMap<String, Object>()) : Fields.of(r.body());
        Principal who = r.principal();
        if (area.equals("keys")) {
            if (p.size() == 2 || p.size() == 3 && p.get(2).isEmpty()) {
                VaultApi.requireMethod(r, "LIST");
                return list(who);
            }
            String name = p.get(2);
            if (p.size() == 3) {
                return switch (m) {
                    case "GET" -> Answers.ok("vault.transit.read", name, read(who, name));
                    case "POST", "PUT" -> create(who, name, f);
                    case "DELETE" -> delete(who, name);
                    default -> throw KvEngine.notAllowed();
                };
            }
            if (p.size() == 4) {
                VaultApi.requireMethod(r, "POST", "PUT");
                return switch (p.get(3)) {
                    case "config" -> config(who, name, f);
                    case "rotate" -> {
                        core.keys().rotate(who, name);
                        yield Answers.ok("vault.transit.rotate", name, read(who, name));
                    }
                    case "trim" -> {
                        Long min = f.optionalLong("min_available_version", 1, Integer.MAX_VALUE);
                        if (min == null) {
                            throw KwException.invalid("missing min_available_version");
                        }
                        KeyRecord k = transitKey(who, name);
                        if (minEncryption(k) != 0 && min > minEncryption(k)) {
                            throw KwException.invalid("min_available_version must not exceed min_encryption_version");
                        }
                        core.keys().eraseVersionsBelow(who, name, min.intValue());
                        yield Answers.ok("vault.transit.trim", name, read(who, name));
                    }
                    default -> throw new VaultErrors.NotFound();
                };
            }
            throw new VaultErrors.NotFound();
        }
        return ops.handle(r, area, f, mount);
    }

    /** GET keys/NAME: Vault's fields for the key. */
    Map<String, Object> read(Principal p, String name) {
        KeyRecord k = transitKey(p, name);
        String type = TransitTypes.vaultType(k.algorithm()).orElseThrow();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("type", type);
        Map<String, Object> keys = new LinkedHashMap<>();
        for (KeyVersion v : k.versions()) {
            if (v.destroyed()) {
                continue;
            }
            if (TransitTypes.signing(k.algorithm())) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("creation_time", v.createdAt().toString());
                one.put("name", type);
                one.put("public_key", core.crypto().publicKey(p, name, v.version()).value());
                keys.put(Integer.toString(v.version()), one);
            } else {
                keys.put(Integer.toString(v.version()), v.createdAt().getEpochSecond());
            }
        }
        boolean aead = TransitTypes.aead(k.algorithm());
        boolean rsa = TransitTypes.rsa(k.algorithm());
        d.put("keys", keys);
        d.put("latest_version", (long) k.primaryVersion());
        d.put("min_decryption_version", (long) k.minDecryptionVersion());
        d.put("min_encryption_version", (long) minEncryption(k));
        d.put("min_available_version", (long) k.versions().stream().filter(v -> !v.destroyed())
                .mapToInt(KeyVersion::version).min().orElse(0));
        d.put("deletion_allowed", deletionAllowed(k));
        d.put("exportable", k.exportable());
        d.put("allow_plaintext_backup", false);
        d.put("derived", derived(k));
        if (derived(k)) {
            d.put("kdf", "hkdf_sha256");
            d.put("convergent_encryption", convergent(k));
            d.put("convergent_encryption_version", convergent(k) ? 3L : -1L);
        } else {
            d.put("convergent_encryption", false);
        }
        d.put("imported_key", false);
        d.put("auto_rotate_period", k.autoRotatePeriod());
        d.put("supports_encryption", aead || rsa);
        d.put("supports_decryption", aead || rsa);
        d.put("supports_derivation", aead);
        d.put("supports_signing", TransitTypes.signing(k.algorithm()));
        d.put("state", k.state().wire());
        return d;
    }

    /** The key as a Transit key: a 404 when it is invisible, missing or has no Transit type (a KV secret). */
    KeyRecord transitKey(Principal p, String name) {
        KeyRecord k = core.keys().get(p, name);
        if (TransitTypes.vaultType(k.algorithm()).isEmpty()) {
            throw KwException.notFound("transit key '" + name + "'");
        }
        return k;
    }

    static int minEncryption(KeyRecord k) {
        return KvSecret.intAttr(k, ATTR_MIN_ENCRYPTION, 0);
    }

    static boolean derived(KeyRecord k) {
        return "true".equals(k.attributes().get(ATTR_DERIVED));
    }

    static boolean convergent(KeyRecord k) {
        return "true".equals(k.attributes().get(ATTR_CONVERGENT));
    }

    private static boolean deletionAllowed(KeyRecord k) {
        return "true".equals(k.attributes().get(ATTR_DELETION_ALLOWED));
    }

    private VaultReply create(Principal p, String name, Fields f) {
        String type = f.string("type");
        boolean exportable = f.bool("exportable", false);
        boolean derived = f.bool("derived", false);
        boolean convergent = f.bool("convergent_encryption", false);
        f.bool("allow_plaintext_backup", false);
        Object period = f.raw("auto_rotate_period");
        createKey(p, name, type == null ? "aes256-gcm96" : type, exportable, period(period), derived, convergent);
        return Answers.ok("vault.transit.create", name, read(p, name));
    }

    /** Creates the key unless one of that name exists (Vault answers that as a success too). */
    void createKey(Principal p, String name, String type, boolean exportable, long period, boolean derived,
                   boolean convergent) {
        String alg = TransitTypes.algorithm(type);
        if (convergent && !derived) {
            throw KwException.invalid("convergent encryption requires derivation to be enabled");
        }
        if (derived && !TransitTypes.aead(alg)) {
            throw KwException.invalid("key derivation is served for aes128-gcm96, aes256-gcm96 and"
                    + " chacha20-poly1305 keys only");
        }
        Map<String, String> attributes = new HashMap<>();
        if (derived) {
            attributes.put(ATTR_DERIVED, "true");
        }
        if (convergent) {
            attributes.put(ATTR_CONVERGENT, "true");
        }
        try {
            core.keys().create(p, new KeyRequests.Create(name, alg, List.of(), attributes, exportable, period));
        } catch (KwException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            transitKey(p, name);  // exists: fine if the caller may see it, else 404
        }
    }

    private static long period(Object v) {
        if (v == null || v == Json.NULL) {
            return 0;
        }
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        if (v instanceof String s && s.matches("[0-9]{1,10}[smhd]?")) {
            char unit = s.charAt(s.length() - 1);
            long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
            return switch (unit) {
                case 'm' -> n * 60;
                case 'h' -> n * 3600;
                case 'd' -> n * 86400;
                default -> n;
            };
        }
        throw KwException.invalid("field 'auto_rotate_period' must be seconds or a duration like \"24h\"");
    }

    private VaultReply config(Principal p, String name, Fields f) {
        Long minDec = f.optionalLong("min_decryption_version", 0, Integer.MAX_VALUE);
        Long minEnc = f.optionalLong("min_encryption_version", 0, Integer.MAX_VALUE);
        Boolean deletion = f.has("deletion_allowed") ? f.bool("deletion_allowed", false) : null;
        Boolean exportable = f.has("exportable") ? f.bool("exportable", false) : null;
        f.bool("allow_plaintext_backup", false);
        Object period = f.raw("auto_rotate_period");
        KeyRecord k = transitKey(p, name);
        if (exportable != null && exportable != k.exportable()) {
            throw KwException.invalid(exportable ? "a key created non-exportable stays so (Keyward's rule)"
                    : "exportable cannot be switched off through Transit");
        }
        if (minEnc != null && minEnc != 0 && minEnc > k.primaryVersion()) {
            throw KwException.invalid("min_encryption_version must be at most the latest version "
                    + k.primaryVersion());
        }
        Map<String, String> attributes = new HashMap<>(k.attributes());
        if (deletion != null) {
            attributes.put(ATTR_DELETION_ALLOWED, deletion.toString());
        }
        if (minEnc != null) {
            attributes.put(ATTR_MIN_ENCRYPTION, minEnc.toString());
        }
        Integer dec = minDec == null ? null : (int) Math.max(1, minDec);
        core.keys().patch(p, name, new KeyRequests.Patch(null, null, attributes, dec,
                period == null ? null : period(period), null));
        return Answers.ok("vault.transit.config", name, read(p, name));
    }

    private VaultReply delete(Principal p, String name) {
        KeyRecord k = transitKey(p, name);
        if (!deletionAllowed(k)) {
            throw KwException.invalid("deletion is not allowed for this key");
        }
        core.keys().scheduleDestroy(p, name, null);
        return Answers.noContent("vault.transit.delete", name);
    }

    private VaultReply list(Principal p) {
        return list(p, "");
    }

    /** The Transit keys whose Keyward names start with {@code prefix}, named without it. */
    VaultReply list(Principal p, String prefix) {
        TreeSet<String> names = new TreeSet<>();
        String after = null;
        int pages = 0;
        do {
            KeyPage page = core.keys().locate(p, new KeyRequests.Locate(List.of(), null, null, null, null, 1000, after));
            for (KeyRecord k : page.keys()) {
                if (k.name() != null && k.name().startsWith(prefix) && TransitTypes.vaultType(k.algorithm()).isPresent()
                        && k.state() != KeyState.DESTROYED && k.state() != KeyState.PENDING_DESTRUCTION) {
                    names.add(k.name().substring(prefix.length()));
                }
            }
            after = page.next();
        } while (after != null && ++pages < 100);
        if (names.isEmpty()) {
            throw new VaultErrors.NotFound();
        }
        return Answers.ok("vault.transit.list", null, Map.of("keys", new ArrayList<>(names)));
    }

    CryptoService crypto() {
        return core.crypto();
    }
}
