package keyward.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.crypto.Algorithm;
import keyward.crypto.Byok;
import keyward.crypto.KeyMaterial;
import keyward.crypto.Keys;
import keyward.crypto.Rand;
import keyward.store.ConflictException;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * The key lifecycle: create, import, read, locate, change, rotate, revoke, schedule and cancel
 * destruction, and grants. Every method checks the caller's rights ({@link Policy}) and is safe
 * to call from many threads and many instances at once (compare-and-set writes).
 */
public final class KeyService {
    private final KeyAccess access;
    private final Settings settings;
    private final WrappingKey wrappingKey;

    KeyService(KeyAccess access, Settings settings, WrappingKey wrappingKey) {
        this.access = access;
        this.settings = settings;
        this.wrappingKey = wrappingKey;
    }

    public KeyRecord create(Principal p, KeyRequests.Create r) {
        checkMayCreate(p);
        Algorithm alg = parseAlgorithm(r.algorithm());
        return insert(p, r.name(), alg, Keys.generate(alg), r.tags(), r.attributes(), r.exportable(),
                checkPeriod(r.autoRotatePeriod()));
    }

    public KeyRecord importKey(Principal p, KeyRequests.Import r) {
        checkMayCreate(p);
        Algorithm alg = parseAlgorithm(r.algorithm());
        byte[] raw = r.material() != null ? r.material() : wrappingKey.unwrap(r.wrappedMaterial());
        try {
            return insert(p, r.name(), alg, Keys.importMaterial(alg, raw), r.tags(), r.attributes(), r.exportable(), 0);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    private KeyRecord insert(Principal p, String name, Algorithm alg, KeyMaterial m, List<String> tags,
                             Map<String, String> attributes, boolean exportable, long period) {
        if (name != null) {
            Names.checkKeyName("name", name);
        }
        List<String> t = tags == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(tags));
        Map<String, String> a = attributes == null ? Map.of() : attributes;
        Names.checkTags(t);
        Names.checkAttributes(a);
        Instant now = access.now();
        String id = Rand.uuidV7(now.toEpochMilli());
        int kid = Rand.kid();
        KeyVersion v = new KeyVersion(1, kid, access.kek.get().primary().id(), access.wrap(id, kid, m.secret()),
                m.publicKey(), now);
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = id; b.name = name; b.algorithm = alg.id(); b.state = KeyState.ACTIVE; b.owner = p.user();
        b.tags = t; b.attributes = a; b.exportable = exportable; b.primaryVersion = 1;
        b.minDecryptionVersion = 1; b.autoRotatePeriod = period; b.createdAt = now; b.updatedAt = now;
        b.rotatedAt = now; b.versions = List.of(v); b.grants = Map.of(); b.rowVersion = 1;
        KeyRecord k = b.build();
        try {
            access.store.insertKey(k);
        } catch (ConflictException e) {
            throw KwException.conflict("key name '" + name + "' is already taken");
        }
        access.cache.put(k);
        access.cache.putMaterial(id, kid, v.kekId(), m);
        return k;
    }

    /**
     * The id of the key named by {@code ref} (id in any case, or name), without any rights check:
     * for the audit, which records keys by id. Empty if there is no such key.
     */
    public java.util.Optional<String> idOf(String ref) {
        return access.cache.find(ref).map(KeyRecord::id);
    }

    public KeyRecord get(Principal p, String ref) {
        return access.resolve(p, ref, Permission.GET);
    }

    /**
     * The key if the caller may do {@code operation} with it (not_found when it may not see the
     * key, forbidden when the operation is not granted): for a protocol front end (KMIP) that
     * checks rules of its own before calling the operation itself, which checks again.
     */
    public KeyRecord getFor(Principal p, String ref, Permission operation) {
        return access.resolve(p, ref, operation);
    }

    public KeyPage locate(Principal p, KeyRequests.Locate q) {
        KeyState state = q.state() == null ? null : KeyState.parse(q.state())
                .orElseThrow(() -> KwException.invalid("query 'state' must be one of " + KeyState.names()));
        // the store narrows to keys the caller owns or holds any grant on; locate shows metadata, so
        // only those it may also 'get' stay (an encrypt-only grantee cannot read GET /v1/keys/{ref})
        List<KeyRecord> shown = new ArrayList<>();
        String after = q.after();
        for (int round = 0; round < LOCATE_ROUNDS; round++) {
            KeyPage page = access.store.locate(new KeyQuery(q.tags(), q.name(), q.algorithm(), state, q.owner(),
                    p.user(), q.limit(), after));
            for (KeyRecord k : page.keys()) {
                if (shown.size() < q.limit() && Policy.allowed(p, k, Permission.GET)) {
                    shown.add(k);
                    after = k.id();
                } else if (shown.size() < q.limit()) {
                    after = k.id();
                }
            }
            if (page.next() == null) {
                return new KeyPage(shown, null);
            }
            if (shown.size() >= q.limit()) {
                break;
            }
            after = page.next();
        }
        return new KeyPage(shown, after);
    }

    /** Store pages read for one locate page when grants without 'get' hide keys (a bounded walk). */
    private static final int LOCATE_ROUNDS = 8;

    public KeyRecord patch(Principal p, String ref, KeyRequests.Patch r) {
        checkPatch(r);
        return access.mutate(p, ref, Permission.UPDATE, k -> {
            requireNotDestroyed(k, ref);
            return patched(k, r);
        });
    }

    /**
     * A patch computed from the key's fresh record, written with compare-and-set (needs "update"):
     * for a protocol front end (KMIP) that edits one attribute of several. {@code edit} sees a
     * fresh copy on each attempt and may throw to refuse; null leaves the key unchanged.
     */
    public KeyRecord edit(Principal p, String ref, java.util.function.Function<KeyRecord, KeyRequests.Patch> edit) {
        return access.mutate(p, ref, Permission.UPDATE, k -> {
            requireNotDestroyed(k, ref);
            KeyRequests.Patch r = edit.apply(k);
            if (r == null) {
                return k;
            }
            checkPatch(r);
            return patched(k, r);
        });
    }

    private void checkPatch(KeyRequests.Patch r) {
        if (r.name() != null) {
            Names.checkKeyName("name", r.name());
        }
        if (r.tags() != null) {
            Names.checkTags(r.tags());
        }
        if (r.attributes() != null) {
            Names.checkAttributes(r.attributes());
        }
    }

    private KeyRecord patched(KeyRecord k, KeyRequests.Patch r) {
        Long period = r.autoRotatePeriod() == null ? null : checkPeriod(r.autoRotatePeriod());
        KeyRecord.Builder b = k.toBuilder();
        if (r.name() != null) {
            b.name = r.name();
        }
        if (r.tags() != null) {
            b.tags = List.copyOf(new java.util.LinkedHashSet<>(r.tags()));
        }
        if (r.attributes() != null) {
            b.attributes = r.attributes();
        }
        if (r.minDecryptionVersion() != null) {
            int min = r.minDecryptionVersion();
            if (min < 1 || min > k.primaryVersion()) {
                throw KwException.invalid("field 'min_decryption_version' must be 1.." + k.primaryVersion());
            }
            b.minDecryptionVersion = min;
        }
        if (period != null) {
            b.autoRotatePeriod = period;
        }
        if (r.exportable() != null) {
            if (r.exportable() && !k.exportable()) {
                throw KwException.invalid("field 'exportable' can only be switched off, never on again");
            }
            b.exportable = r.exportable();
        }
        b.updatedAt = access.now();
        return b.build();
    }

    /**
     * Takes the name off a key (needs "update"), so that another key may carry it: KMIP's ReKey
     * hands the name of the old key to its replacement.
     */
    public KeyRecord clearName(Principal p, String ref) {
        return access.mutate(p, ref, Permission.UPDATE, k -> {
            requireNotDestroyed(k, ref);
            if (k.name() == null) {
                return k;
            }
            KeyRecord.Builder b = k.toBuilder();
            b.name = null;
            b.updatedAt = access.now();
            return b.build();
        });
    }

    public KeyRecord rotate(Principal p, String ref) {
        return access.mutate(p, ref, Permission.ROTATE, k -> {
            KeyStates.requireActive(k.state(), ref);
            return withNewVersion(k, access.now());
        });
    }

    KeyRecord withNewVersion(KeyRecord k, Instant now) {
        Algorithm alg = KeyAccess.algorithm(k);
        if (alg.asymmetric() && access.material(k, k.primary()).secret() == null) {
            throw KwException.invalidState("key '" + k.id() + "' holds only a public key and cannot be rotated");
        }
        KeyMaterial m = Keys.generate(alg);
        int version = k.versions().stream().mapToInt(KeyVersion::version).max().orElse(0) + 1;
        int kid = Rand.kid();
        while (k.versionByKid(kid).isPresent()) {
            kid = Rand.kid();
        }
        KeyVersion v = new KeyVersion(version, kid, access.kek.get().primary().id(), access.wrap(k.id(), kid, m.secret()),
                m.publicKey(), now);
        List<KeyVersion> versions = new ArrayList<>(k.versions());
        versions.add(v);
        KeyRecord.Builder b = k.toBuilder();
        b.versions = versions;
        b.primaryVersion = version;
        b.rotatedAt = now;
        b.updatedAt = now;
        return b.build();
    }

    /**
     * Edits a {@code secret} key (the store of a Vault KV v2 secret) in one compare-and-set write:
     * {@code edit} sees the fresh record on each attempt and may throw to refuse (a failed
     * check-and-set). New material needs the "rotate" right, erasing versions "destroy", the rest
     * "update". Keys of other algorithms are refused (invalid_state); an unchanged edit writes nothing.
     */
    public KeyRecord editSecret(Principal p, String ref, Permission operation,
                                java.util.function.Function<KeyRecord, KeyRequests.SecretEdit> edit) {
        return access.mutate(p, ref, operation, k -> {
            if (KeyAccess.algorithm(k) != Algorithm.SECRET) {
                throw KwException.invalidState("key '" + ref + "' (" + k.algorithm() + ") is not a secret");
            }
            KeyStates.requireActive(k.state(), ref);
            KeyRequests.SecretEdit e = edit.apply(k);
            KeyRecord.Builder b = k.toBuilder();
            boolean changed = false;
            if (e.attributes() != null && !e.attributes().equals(k.attributes())) {
                Names.checkAttributes(e.attributes());
                if (e.attributes().containsValue("")) {
                    throw KwException.invalid("attribute values must not be empty");
                }
                b.attributes = e.attributes();
                changed = true;
            }
            if (e.eraseVersions() != null && !e.eraseVersions().isEmpty()) {
                b.versions = b.versions.stream()
                        .map(v -> e.eraseVersions().contains(v.version()) ? v.withoutMaterial() : v).toList();
                changed = true;
            }
            if (e.newMaterial() != null) {
                KeyMaterial m = Keys.importMaterial(Algorithm.SECRET, e.newMaterial());
                Instant now = access.now();
                int version = k.versions().stream().mapToInt(KeyVersion::version).max().orElse(0) + 1;
                int kid = Rand.kid();
                while (k.versionByKid(kid).isPresent()) {
                    kid = Rand.kid();
                }
                List<KeyVersion> versions = new ArrayList<>(b.versions);
                versions.add(new KeyVersion(version, kid, access.kek.get().primary().id(),
                        access.wrap(k.id(), kid, m.secret()), null, now));
                m.close();
                b.versions = versions;
                b.primaryVersion = version;
                b.rotatedAt = now;
                changed = true;
            }
            if (!changed) {
                return k;
            }
            b.updatedAt = access.now();
            return b.build();
        });
    }

    /**
     * Erases the material of every version below {@code minAvailable} (Vault Transit's trim), for
     * good; needs the "destroy" right. {@code minAvailable} may not exceed min_decryption_version,
     * so no ciphertext the key still accepts loses its version.
     */
    public KeyRecord eraseVersionsBelow(Principal p, String ref, int minAvailable) {
        return access.mutate(p, ref, Permission.DESTROY, k -> {
            requireNotDestroyed(k, ref);
            if (minAvailable < 1 || minAvailable > k.minDecryptionVersion()) {
                throw KwException.invalid("min_available_version must be 1.." + k.minDecryptionVersion()
                        + " (at most min_decryption_version)");
            }
            if (k.versions().stream().noneMatch(v -> v.version() < minAvailable && !v.destroyed())) {
                return k;
            }
            KeyRecord.Builder b = k.toBuilder();
            b.versions = k.versions().stream().map(v -> v.version() < minAvailable ? v.withoutMaterial() : v).toList();
            b.updatedAt = access.now();
            return b.build();
        });
    }

    public KeyRecord revoke(Principal p, String ref, String reason) {
        KeyState target;
        switch (reason == null ? "" : reason) {
            case "superseded":
            case "retired":
                target = KeyState.DEACTIVATED;
                break;
            case "compromised":
                target = KeyState.COMPROMISED;
                break;
            default:
                throw KwException.invalid("field 'reason' must be one of superseded, compromised, retired");
        }
        return access.mutate(p, ref, Permission.REVOKE, k -> {
            requireNotDestroyed(k, ref);
            if (k.state() == KeyState.PENDING_DESTRUCTION) {
                throw KwException.invalidState("key '" + ref + "' is pending destruction; cancel it first");
            }
            if (target.rank() <= k.state().rank()) {
                return k;  // never lower a state: compromised stays compromised
            }
            KeyRecord.Builder b = k.toBuilder();
            b.state = target;
            b.updatedAt = access.now();
            return b.build();
        });
    }

    public KeyRecord scheduleDestroy(Principal p, String ref, Integer pendingDays) {
        int days = pendingDays == null ? settings.pendingDaysDefault() : pendingDays;
        if (days < settings.pendingDaysMin() || days > 3650) {
            throw KwException.invalid("query 'pending_days' must be " + settings.pendingDaysMin() + "..3650");
        }
        return access.mutate(p, ref, Permission.DESTROY, k -> {
            requireNotDestroyed(k, ref);
            if (k.state() == KeyState.PENDING_DESTRUCTION) {
                throw KwException.invalidState("key '" + ref + "' is already pending destruction");
            }
            Instant now = access.now();
            KeyRecord.Builder b = k.toBuilder();
            b.stateBeforeDestroy = k.state();
            b.state = KeyState.PENDING_DESTRUCTION;
            b.destroyAt = now.plus(Duration.ofDays(days));
            b.updatedAt = now;
            return b.build();
        });
    }

    public KeyRecord cancelDestroy(Principal p, String ref) {
        return access.mutate(p, ref, Permission.DESTROY, k -> {
            if (k.state() != KeyState.PENDING_DESTRUCTION) {
                throw KwException.invalidState("key '" + ref + "' is not pending destruction");
            }
            KeyRecord.Builder b = k.toBuilder();
            b.state = k.stateBeforeDestroy() == null ? KeyState.ACTIVE : k.stateBeforeDestroy();
            b.stateBeforeDestroy = null;
            b.destroyAt = null;
            b.updatedAt = access.now();
            return b.build();
        });
    }

    /** Really destroys a key whose destruction is due: material erased in every version. */
    KeyRecord destroyNow(KeyRecord k, Instant now) {
        KeyRecord.Builder b = k.toBuilder();
        b.versions = k.versions().stream().map(KeyVersion::withoutMaterial).toList();
        b.state = KeyState.DESTROYED;
        b.stateBeforeDestroy = null;
        b.updatedAt = now;
        return b.build();
    }

    // ---- grants ----

    public Map<String, Set<Permission>> grants(Principal p, String ref) {
        KeyRecord k = access.cache.fresh(access.resolve(p, ref, Permission.GET).id())
                .orElseThrow(() -> KwException.notFound("key '" + ref + "'"));
        if (!p.admin()) { // admins may read every key's grants, whether or not they may change them
            Policy.checkManageGrants(p, k, ref, settings.adminCanGrant());
        }
        return k.grants();
    }

    public KeyRecord putGrant(Principal p, String ref, String user, List<String> operations) {
        // rights first, so that the answer never tells a stranger which user names exist
        Policy.checkManageGrants(p, access.cache.find(ref).orElseThrow(() -> KwException.notFound("key '" + ref + "'")), ref,
                settings.adminCanGrant());
        if (!Grants.EVERYONE.equals(user)) {
            Names.checkUserName("user", user);
            if (access.store.findUser(user).isEmpty()) {
                throw KwException.notFound("user '" + user + "'");
            }
        }
        if (operations.isEmpty()) {
            throw KwException.invalid("field 'operations' must name at least one operation; DELETE the grant instead");
        }
        return changeGrants(p, ref, user, Grants.parse("operations", operations));
    }

    public KeyRecord deleteGrant(Principal p, String ref, String user) {
        return changeGrants(p, ref, user, null);
    }

    private KeyRecord changeGrants(Principal p, String ref, String user, Set<Permission> ops) {
        return access.mutate(p, ref, k -> Policy.checkManageGrants(p, k, ref, settings.adminCanGrant()), k -> {
            Map<String, Set<Permission>> g = new HashMap<>(k.grants());
            if (ops == null) {
                if (g.remove(user) == null) {
                    throw KwException.notFound("grant for user '" + user + "' on key '" + ref + "'");
                }
            } else {
                g.put(user, ops);
            }
            KeyRecord.Builder b = k.toBuilder();
            b.grants = g;
            b.updatedAt = access.now();
            return b.build();
        });
    }

    // ---- helpers ----

    private void checkMayCreate(Principal p) {
        if (!settings.createUsers().isEmpty() && !settings.createUsers().contains(p.user())) {
            throw KwException.forbidden("user '" + p.user() + "' may not create keys");
        }
    }

    private static Algorithm parseAlgorithm(String id) {
        return Algorithm.parse(id).orElseThrow(() -> KwException.invalid(
                "field 'algorithm' must be one of aes-128-gcm, aes-192-gcm, aes-256-gcm, chacha20-poly1305, hmac-sha256,"
                        + " hmac-sha384, hmac-sha512, rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384, ec-p521,"
                        + " ed25519, secret"));
    }

    /**
     * Drops the key from this instance's cache: it was changed behind the cache (replication
     * applied a change), so the next use reads the store. Thread-safe.
     */
    public void forgetCached(String keyId) {
        access.cache.forget(keyId);
    }

    private static long checkPeriod(long seconds) {
        if (seconds != 0 && (seconds < 1 || seconds > 100L * 365 * 86400)) {
            throw KwException.invalid("field 'auto_rotate_period' must be 0 (never) or 1..3153600000 seconds");
        }
        return seconds;
    }

    private static void requireNotDestroyed(KeyRecord k, String ref) {
        if (k.state() == KeyState.DESTROYED) {
            throw KwException.invalidState("key '" + ref + "' is destroyed");
        }
    }
}
