package keyward.core;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import keyward.crypto.Algorithm;
import keyward.crypto.Byok;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.Envelope;
import keyward.crypto.KeyMaterial;
import keyward.crypto.Macs;
import keyward.crypto.Operation;
import keyward.crypto.Pem;
import keyward.crypto.Rand;
import keyward.crypto.Signatures;
import keyward.crypto.VaultLayout;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * The cryptographic operations on keys. Encrypt, sign, mac and datakey use the primary version;
 * decrypt finds the version from the key id inside the ciphertext; verify tries the version the
 * signature names first. Thread-safe.
 */
public final class CryptoService {
    private final KeyAccess access;

    CryptoService(KeyAccess access) {
        this.access = access;
    }

    /** A ciphertext, signature or MAC in string form, with the version that made it. */
    public record Output(String value, int version) {
    }

    public record DataKey(byte[] plaintext, String ciphertext, int version) {
    }

    public record Exported(byte[] bytes, boolean wrapped) {
    }

    public Output encrypt(Principal p, String ref, byte[] plaintext, byte[] aad) {
        KeyRecord k = usable(p, ref, Operation.ENCRYPT);
        return encryptWith(k, plaintext, aad);
    }

    private Output encryptWith(KeyRecord k, byte[] plaintext, byte[] aad) {
        KeyVersion v = k.primary();
        byte[] blob = Envelope.encrypt(KeyAccess.algorithm(k), access.material(k, v), v.kid(), plaintext, aad);
        return new Output(Ciphertexts.format(v.version(), blob), v.version());
    }

    public byte[] decrypt(Principal p, String ref, String ciphertext, byte[] aad) {
        KeyRecord k = readable(p, ref, Operation.DECRYPT);
        return decryptWith(k, ciphertext, aad);
    }

    private byte[] decryptWith(KeyRecord k, String ciphertext, byte[] aad) {
        Ciphertexts.Parsed parsed = Ciphertexts.parse("ciphertext", ciphertext);
        try {
            int kid = Envelope.kidOf(parsed.blob());
            if (k.versionByKid(kid).filter(v -> prefixFits(parsed.version(), v)).isEmpty()) {
                // made by a version another instance added, or renumbered, after our cached copy was read: look again
                k = access.cache.fresh(k.id()).orElse(k);
                KeyStates.requireReadable(k.state(), k.name() != null ? k.name() : k.id());
            }
            KeyVersion v = k.versionByKid(kid).orElseThrow(KwException::decryptionFailed);
            if (v.version() < k.minDecryptionVersion() || v.destroyed() || !prefixFits(parsed.version(), v)) {
                throw KwException.decryptionFailed();
            }
            return Envelope.decrypt(KeyAccess.algorithm(k), access.material(k, v), parsed.blob(), aad);
        } catch (DecryptionFailedException e) {
            throw KwException.decryptionFailed();
        }
    }

    /**
     * Whether the {@code kw:vN:} prefix names the version whose kid the ciphertext carries: N is
     * the number the version was issued with, which is its number now unless replication
     * renumbered it (two nodes rotated at once). Then a ciphertext may carry either number, or one
     * the version held in between on some node: N must lie between the two. Any other N is a
     * forged prefix, e.g. an old version's ciphertext passed off as the current one, or the
     * reverse. A version stored before Keyward kept its issued number keeps the earlier rule: its
     * number now or a lower one.
     */
    static boolean prefixFits(int prefixVersion, KeyVersion v) {
        if (v.issued() == 0) {
            return prefixVersion <= v.version();
        }
        return prefixVersion >= Math.min(v.issued(), v.version()) && prefixVersion <= Math.max(v.issued(), v.version());
    }

    public Output rewrap(Principal p, String ref, String ciphertext, byte[] aad) {
        KeyRecord k = usable(p, ref, Operation.REWRAP);
        byte[] plain = decryptWith(k, ciphertext, aad);
        try {
            return encryptWith(k, plain, aad);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    /** Bytes in Vault Transit's layout ({@link VaultLayout}) and the number of the version that made them. */
    public record Sealed(int version, byte[] blob) {
    }

    /** Transit's key derivation for one call: the context, and whether nonces are convergent. Null = none. */
    public record Derivation(byte[] context, boolean convergent) {
    }

    /**
     * Encrypts in Vault Transit's layout under version {@code version} (null: the primary). Any
     * version still usable for decryption may be named, as Vault's key_version allows.
     */
    public Sealed sealVaultLayout(Principal p, String ref, byte[] plaintext, byte[] aad, Integer version,
                                  Derivation derivation) {
        KeyRecord k = usable(p, ref, Operation.ENCRYPT);
        return sealWith(k, plaintext, aad, version, derivation);
    }

    private Sealed sealWith(KeyRecord k, byte[] plaintext, byte[] aad, Integer version, Derivation d) {
        KeyVersion v = version == null ? k.primary() : k.version(version)
                .filter(x -> !x.destroyed() && x.version() >= k.minDecryptionVersion())
                .orElseThrow(() -> KwException.invalid("key version " + version + " is not available for encryption"));
        Algorithm alg = KeyAccess.algorithm(k);
        return new Sealed(v.version(), d == null ? VaultLayout.seal(alg, access.material(k, v), plaintext, aad)
                : VaultLayout.sealDerived(alg, access.material(k, v), d.context(), d.convergent(), plaintext, aad));
    }

    /** The plaintext of Vault-layout bytes made by version {@code version}; below min_decryption_version fails. */
    public byte[] openVaultLayout(Principal p, String ref, int version, byte[] blob, byte[] aad, Derivation derivation) {
        KeyRecord k = readable(p, ref, Operation.DECRYPT);
        return openWith(k, version, blob, aad, derivation);
    }

    /**
     * Opens with the version the ciphertext names, then (as for signatures) with the other usable
     * versions: replicas that rotated one key at once may renumber its versions when they converge,
     * and a Vault-layout ciphertext names only the number.
     */
    private byte[] openWith(KeyRecord k, int version, byte[] blob, byte[] aad, Derivation d) {
        k = freshIfUnknown(k, version);
        Algorithm alg = KeyAccess.algorithm(k);
        for (KeyVersion v : candidates(k, version)) {
            try {
                return d == null ? VaultLayout.open(alg, access.material(k, v), blob, aad)
                        : VaultLayout.openDerived(alg, access.material(k, v), d.context(), blob, aad);
            } catch (DecryptionFailedException e) {
                // the next candidate
            }
        }
        throw KwException.decryptionFailed();
    }

    /** Vault-layout bytes re-encrypted under the primary version; the plaintext never leaves. */
    public Sealed rewrapVaultLayout(Principal p, String ref, int version, byte[] blob, byte[] aad, Derivation derivation) {
        KeyRecord k = usable(p, ref, Operation.REWRAP);
        byte[] plain = openWith(k, version, blob, aad, derivation);
        try {
            return sealWith(k, plain, aad, null, derivation);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    public DataKey datakey(Principal p, String ref, int bits, byte[] aad, boolean includePlaintext) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw KwException.invalid("field 'bits' must be 128, 256 or 512");
        }
        KeyRecord k = usable(p, ref, Operation.DATAKEY);
        byte[] dk = Rand.bytes(bits / 8);
        Output out = encryptWith(k, dk, aad);
        if (!includePlaintext) {
            java.util.Arrays.fill(dk, (byte) 0);
            dk = null;
        }
        return new DataKey(dk, out.value(), out.version());
    }

    public Output sign(Principal p, String ref, byte[] data, boolean prehashed, String scheme) {
        KeyRecord k = usable(p, ref, Operation.SIGN);
        Algorithm alg = KeyAccess.algorithm(k);
        Signatures.Scheme s = Signatures.scheme(alg, scheme);
        KeyVersion v = k.primary();
        KeyMaterial m = access.material(k, v);
        if (m.secret() == null) {
            throw KwException.invalidState("key '" + ref + "' holds only a public key and cannot sign");
        }
        byte[] sig = Signatures.sign(alg, m, s, data, prehashed);
        return new Output(Ciphertexts.format(v.version(), sig), v.version());
    }

    public boolean verify(Principal p, String ref, byte[] data, boolean prehashed, String signature, String scheme) {
        KeyRecord k = readable(p, ref, Operation.VERIFY);
        Algorithm alg = KeyAccess.algorithm(k);
        Signatures.Scheme s = Signatures.scheme(alg, scheme);
        Ciphertexts.Parsed parsed = Ciphertexts.parse("signature", signature);
        k = freshIfUnknown(k, parsed.version());
        for (KeyVersion v : candidates(k, parsed.version())) {
            if (Signatures.verify(alg, v.publicKey(), s, data, prehashed, parsed.blob())) {
                return true;
            }
        }
        return false;
    }

    public Output mac(Principal p, String ref, byte[] message) {
        return mac(p, ref, message, null);
    }

    /**
     * The HMAC of the key's material under {@code hash} ("sha224" ... "sha512", null for the key's
     * own), as Transit's {@code hmac/<name>/<algorithm>}.
     */
    public Output mac(Principal p, String ref, byte[] message, String hash) {
        KeyRecord k = usable(p, ref, Operation.MAC);
        KeyVersion v = k.primary();
        byte[] mac = Macs.macWithHash(KeyAccess.algorithm(k), access.material(k, v).secret(), message, hash);
        return new Output(Ciphertexts.format(v.version(), mac), v.version());
    }

    public boolean macVerify(Principal p, String ref, byte[] message, String mac) {
        return macVerify(p, ref, message, mac, null);
    }

    /** Verifies a {@link #mac(Principal, String, byte[], String)} made with the same {@code hash}. */
    public boolean macVerify(Principal p, String ref, byte[] message, String mac, String hash) {
        KeyRecord k = readable(p, ref, Operation.MAC_VERIFY);
        Ciphertexts.Parsed parsed = Ciphertexts.parse("mac", mac);
        k = freshIfUnknown(k, parsed.version());
        for (KeyVersion v : candidates(k, parsed.version())) {
            if (Macs.verifyWithHash(KeyAccess.algorithm(k), access.material(k, v).secret(), message, parsed.blob(),
                    hash)) {
                return true;
            }
        }
        return false;
    }

    /** The key read again when the cached copy lacks the version a signature or MAC names. */
    private KeyRecord freshIfUnknown(KeyRecord k, int named) {
        return k.version(named).isPresent() ? k : access.cache.fresh(k.id()).orElse(k);
    }

    /**
     * Versions to try for a signature or MAC naming {@code named}: that one first, then the others,
     * because replicas that rotated at once may renumber versions when they converge (design.md).
     */
    private static List<KeyVersion> candidates(KeyRecord k, int named) {
        List<KeyVersion> out = new ArrayList<>();
        k.version(named).ifPresent(out::add);
        for (KeyVersion v : k.versions()) {
            if (v.version() != named) {
                out.add(v);
            }
        }
        out.removeIf(v -> v.destroyed() || v.version() < k.minDecryptionVersion());
        return out;
    }

    public Output publicKey(Principal p, String ref, Integer version) {
        KeyRecord k = access.resolve(p, ref, Grants.needed(Operation.PUBLIC_KEY));
        if (!KeyAccess.algorithm(k).supports(Operation.PUBLIC_KEY)) {
            throw KwException.invalidState("key '" + ref + "' (" + k.algorithm() + ") has no public key");
        }
        KeyVersion v = version == null ? k.primary()
                : k.version(version).orElseThrow(() -> KwException.notFound("version " + version + " of key '" + ref + "'"));
        return new Output(Pem.publicKeyPem(v.publicKey()), v.version());
    }

    public Exported export(Principal p, String ref, Integer version, String wrappingKey) {
        KeyRecord k = readable(p, ref, Operation.EXPORT);
        if (!k.exportable()) {
            throw KwException.invalidState("key '" + ref + "' is not exportable");
        }
        KeyVersion v = version == null ? k.primary()
                : k.version(version).orElseThrow(() -> KwException.notFound("version " + version + " of key '" + ref + "'"));
        KeyMaterial m = access.material(k, v);
        byte[] bytes = m.secret() != null ? m.secret().revealBytes().clone() : v.publicKey().clone();
        if (wrappingKey == null) {
            return new Exported(bytes, false);
        }
        try {
            return new Exported(Byok.wrap(wrappingPublicKey(p, wrappingKey), bytes), true);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private PublicKey wrappingPublicKey(Principal p, String wrappingKey) {
        if (wrappingKey.startsWith("-----BEGIN")) {
            return Pem.publicKey(Pem.parsePublicKeyPem(wrappingKey));
        }
        KeyRecord w = access.resolve(p, wrappingKey, Permission.GET);
        if (!w.algorithm().startsWith("rsa-")) {
            throw KwException.invalid("field 'wrapping_key' must name an RSA key or be an RSA public key PEM");
        }
        KeyStates.requireActive(w.state(), wrappingKey);
        return Pem.publicKey(w.primary().publicKey());
    }

    public byte[] random(int bytes) {
        if (bytes < 1 || bytes > 1024) {
            throw KwException.invalid("field 'bytes' must be 1..1024");
        }
        return Rand.bytes(bytes);
    }

    /**
     * The key for {@code op}: the caller holds the permission it needs, the key is active (and not
     * Pre-Active, {@link Activation}) and supports it.
     */
    private KeyRecord usable(Principal p, String ref, Operation op) {
        KeyRecord k = access.resolve(p, ref, Grants.needed(op));
        KeyStates.requireUsable(k, ref, access.now());
        requireSupport(k, op, ref);
        return k;
    }

    /** As {@link #usable} for operations that work until the key is scheduled for destruction. */
    private KeyRecord readable(Principal p, String ref, Operation op) {
        KeyRecord k = access.resolve(p, ref, Grants.needed(op));
        KeyStates.requireReadable(k.state(), ref);
        requireSupport(k, op, ref);
        return k;
    }

    private static void requireSupport(KeyRecord k, Operation op, String ref) {
        if (!KeyAccess.algorithm(k).supports(op)) {
            throw KwException.invalidState("key '" + ref + "' (" + k.algorithm() + ") does not support "
                    + op.id());
        }
    }
}
