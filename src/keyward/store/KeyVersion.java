package keyward.store;

import java.time.Instant;
import java.util.Arrays;

/**
 * One version of a key's material, as stored: the material is always wrapped by the KEK barrier
 * (AES-256-GCM with AAD binding it to key id, kid and purpose); the store never sees it in clear.
 *
 * @param version   human version number (1, 2, ...), unique within a key
 * @param kid       random 32-bit id carried in ciphertexts (Tink style), unique within a key
 * @param kekId     id of the KEK that wrapped {@code wrapped}
 * @param wrapped   wrapped material, or {@code null} once destroyed
 * @param publicKey SPKI DER of the public half for asymmetric keys (not secret), else {@code null}
 * @param issued    the number the version was made with, which its ciphertexts' {@code kw:vN:} prefix
 *                  names: {@code version} unless replication renumbered it; 0 if unknown (stored
 *                  before Keyward kept it)
 */
public record KeyVersion(int version, int kid, String kekId, byte[] wrapped, byte[] publicKey, Instant createdAt,
                         int issued) {

    /** A version as made: issued with its number. */
    public KeyVersion(int version, int kid, String kekId, byte[] wrapped, byte[] publicKey, Instant createdAt) {
        this(version, kid, kekId, wrapped, publicKey, createdAt, version);
    }

    public boolean destroyed() {
        return wrapped == null;
    }

    public KeyVersion withoutMaterial() {
        return new KeyVersion(version, kid, kekId, null, publicKey, createdAt, issued);
    }

    public KeyVersion rewrapped(String newKekId, byte[] newWrapped) {
        return new KeyVersion(version, kid, newKekId, newWrapped, publicKey, createdAt, issued);
    }

    /** This version under number {@code n}, still issued as it was (replication's renumbering). */
    public KeyVersion renumbered(int n) {
        return new KeyVersion(n, kid, kekId, wrapped, publicKey, createdAt, issued);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyVersion v && v.version == version && v.kid == kid && v.kekId.equals(kekId)
                && Arrays.equals(v.wrapped, wrapped) && Arrays.equals(v.publicKey, publicKey)
                && v.createdAt.equals(createdAt) && v.issued == issued;
    }

    @Override
    public int hashCode() {
        return 31 * version + kid;
    }

    @Override
    public String toString() {
        return "KeyVersion[v" + version + (issued != version ? " (issued as v" + issued + ")" : "") + ", kid=" + Integer.toHexString(kid) + ", kek=" + kekId
                + (destroyed() ? ", destroyed" : "") + "]";
    }
}
