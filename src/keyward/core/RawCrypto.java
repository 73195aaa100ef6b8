package keyward.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import keyward.crypto.Algorithm;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.Kdf;
import keyward.crypto.KeyMaterial;
import keyward.crypto.KeyWrap;
import keyward.crypto.RawCiphers;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * Cryptography on a key's material in the raw forms protocols such as KMIP name: AES-GCM, -CBC
 * and -CTR with caller IVs, RSA-OAEP, AES key wrapping of another key (RFC 3394/5649), and
 * deriving a new key (PBKDF2, HKDF). Unlike {@link CryptoService}, the output carries no key
 * version, so the version rule is fixed here: encryption, wrapping and derivation use the primary
 * version; decryption in an authenticated form (GCM, OAEP) tries the primary version, then the
 * other versions still usable for decryption; CBC and CTR, which cannot tell a wrong key, use
 * the primary version only. Rights and key states are checked as for {@link CryptoService}.
 * Thread-safe.
 */
public final class RawCrypto {
    private final KeyAccess access;
    private final KeyService keys;

    RawCrypto(KeyAccess access, KeyService keys) {
        this.access = access;
        this.keys = keys;
    }

    /** What a raw AES encryption made: the data, the IV used, the GCM tag (null otherwise), the version. */
    public record Sealed(byte[] data, byte[] iv, byte[] tag, int version) {
    }

    /** An AES mode with its options: PKCS#5 padding (CBC), the tag length in bytes (GCM). */
    public record Aes(RawCiphers.Mode mode, boolean padded, int tagLength) {
    }

    /** A key derivation: the method, its PRF, salt, info (HKDF) and iterations (PBKDF2). */
    public record Derivation(boolean pbkdf2, Kdf.Prf prf, byte[] salt, byte[] info, int iterations) {
    }

    /** The new key a derivation makes: its name (or null), algorithm, Keyward attributes, exportable. */
    public record NewKey(String name, String algorithm, Map<String, String> attributes, boolean exportable) {
    }

    /** Encrypts with the primary version; {@code iv} null draws a fresh one, returned in the result. */
    public Sealed aesEncrypt(Principal p, String ref, Aes aes, byte[] iv, byte[] data, byte[] aad) {
        KeyRecord k = usable(p, ref, Permission.ENCRYPT);
        requireAes(k, ref);
        byte[] used = iv != null ? iv : RawCiphers.freshIv(aes.mode());
        KeyVersion v = k.primary();
        byte[] key = access.material(k, v).secret().revealBytes();
        if (aes.mode() == RawCiphers.Mode.GCM) {
            RawCiphers.Sealed s = RawCiphers.gcmSeal(key, used, data, aad, aes.tagLength());
            return new Sealed(s.ciphertext(), used, s.tag(), v.version());
        }
        return new Sealed(RawCiphers.encrypt(aes.mode(), aes.padded(), key, used, data), used, null, v.version());
    }

    /** Decrypts by the version rule of this class; a ciphertext that opens under none fails. */
    public byte[] aesDecrypt(Principal p, String ref, Aes aes, byte[] iv, byte[] data, byte[] tag, byte[] aad) {
        KeyRecord k = readable(p, ref, Permission.DECRYPT);
        requireAes(k, ref);
        boolean gcm = aes.mode() == RawCiphers.Mode.GCM;
        for (KeyVersion v : gcm ? candidates(k) : List.of(k.primary())) {
            byte[] key = access.material(k, v).secret().revealBytes();
            try {
                return gcm ? RawCiphers.gcmOpen(key, iv, data, tag, aad)
                        : RawCiphers.decrypt(aes.mode(), aes.padded(), key, iv, data);
            } catch (DecryptionFailedException e) {
                // the next candidate
            }
        }
        throw KwException.decryptionFailed();
    }

    /** RSA-OAEP with the primary version's public key. */
    public byte[] oaepEncrypt(Principal p, String ref, RawCiphers.OaepHash hash, RawCiphers.OaepHash mgf, byte[] data) {
        KeyRecord k = usable(p, ref, Permission.ENCRYPT);
        Algorithm alg = requireRsa(k, ref);
        return RawCiphers.oaepEncrypt(alg, k.primary().publicKey(), hash, mgf, data);
    }

    /** RSA-OAEP decryption, trying the primary version first, then the others. */
    public byte[] oaepDecrypt(Principal p, String ref, RawCiphers.OaepHash hash, RawCiphers.OaepHash mgf, byte[] data) {
        KeyRecord k = readable(p, ref, Permission.DECRYPT);
        Algorithm alg = requireRsa(k, ref);
        for (KeyVersion v : candidates(k)) {
            KeyMaterial m = access.material(k, v);
            if (m.secret() == null) {
                continue;
            }
            try {
                return RawCiphers.oaepDecrypt(alg, m.secret().revealBytes(), hash, mgf, data);
            } catch (DecryptionFailedException e) {
                // the next candidate
            }
        }
        throw KwException.decryptionFailed();
    }

    /**
     * The primary material of key {@code ref}, passed through {@code encoding} (which may lay it
     * out, e.g. in TTLV), wrapped under the primary version of the AES key {@code wrappingRef}.
     * The key needs the caller's {@code export} right and its exportable flag; the wrapping key
     * the {@code encrypt} right and an active state.
     */
    public byte[] exportWrapped(Principal p, String ref, String wrappingRef, KeyWrap.Method method,
                                UnaryOperator<byte[]> encoding) {
        KeyRecord k = readable(p, ref, Permission.EXPORT);
        if (!k.exportable()) {
            throw KwException.forbidden("key '" + ref + "' is not exportable, wrapped or not");
        }
        KeyRecord w = usable(p, wrappingRef, Permission.ENCRYPT);
        requireAes(w, wrappingRef);
        if (w.id().equals(k.id())) {
            throw KwException.invalid("a key cannot wrap itself");
        }
        KeyMaterial m = access.material(k, k.primary());
        byte[] raw = m.secret() != null ? m.secret().revealBytes().clone() : k.primary().publicKey().clone();
        byte[] encoded = encoding.apply(raw);
        try {
            return KeyWrap.wrap(method, access.material(w, w.primary()).secret().revealBytes(), encoded);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
        }
    }

    /**
     * A new key, owned by the caller, whose material is derived from the primary material of the
     * symmetric, HMAC or secret key {@code baseRef}. The base needs the caller's {@code export}
     * right (the caller will hold a function of its material); the new key is exportable only if
     * the base is.
     */
    public KeyRecord derive(Principal p, String baseRef, Derivation d, int bytes, NewKey n) {
        KeyRecord base = usable(p, baseRef, Permission.EXPORT);
        Algorithm alg = KeyAccess.algorithm(base);
        if (alg.asymmetric()) {
            throw KwException.invalidState("key '" + baseRef + "' (" + base.algorithm()
                    + ") is asymmetric; derive from a symmetric, HMAC or secret key");
        }
        byte[] secret = access.material(base, base.primary()).secret().revealBytes();
        byte[] derived = d.pbkdf2() ? Kdf.pbkdf2(d.prf(), secret, d.salt(), d.iterations(), bytes)
                : Kdf.hkdf(d.prf(), secret, d.salt(), d.info(), bytes);
        try {
            return keys.importKey(p, new KeyRequests.Import(n.name(), n.algorithm(), derived, null, List.of(),
                    n.attributes(), n.exportable() && base.exportable()));
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    private KeyRecord usable(Principal p, String ref, Permission right) {
        KeyRecord k = access.resolve(p, ref, right);
        KeyStates.requireActive(k.state(), ref);
        return k;
    }

    private KeyRecord readable(Principal p, String ref, Permission right) {
        KeyRecord k = access.resolve(p, ref, right);
        KeyStates.requireReadable(k.state(), ref);
        return k;
    }

    private static void requireAes(KeyRecord k, String ref) {
        if (!k.algorithm().startsWith("aes-")) {
            throw KwException.invalidState("key '" + ref + "' (" + k.algorithm() + ") is not an AES key");
        }
    }

    private static Algorithm requireRsa(KeyRecord k, String ref) {
        Algorithm alg = KeyAccess.algorithm(k);
        if (!k.algorithm().startsWith("rsa-")) {
            throw KwException.invalidState("key '" + ref + "' (" + k.algorithm() + ") is not an RSA key");
        }
        return alg;
    }

    /** The primary version, then the other versions usable for decryption, newest first. */
    private static List<KeyVersion> candidates(KeyRecord k) {
        List<KeyVersion> out = new ArrayList<>();
        out.add(k.primary());
        List<KeyVersion> rest = new ArrayList<>(k.versions());
        rest.sort((a, b) -> Integer.compare(b.version(), a.version()));
        for (KeyVersion v : rest) {
            if (v.version() != k.primary().version() && !v.destroyed() && v.version() >= k.minDecryptionVersion()) {
                out.add(v);
            }
        }
        out.removeIf(KeyVersion::destroyed);
        return out;
    }
}
