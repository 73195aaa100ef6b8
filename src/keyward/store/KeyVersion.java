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
 */
public record KeyVersion(int version, int kid, String kekId, byte[] wrapped, byte[] publicKey, Instant createdAt) {

    public boolean destroyed() {
        return wrapped == null;
    }

    public KeyVersion withoutMaterial() {
        return new KeyVersion(version, kid, kekId, null, publicKey, createdAt);
    }

    public KeyVersion rewrapped(String newKekId, byte[] newWrapped) {
        return new KeyVersion(version, kid, newKekId, newWrapped, publicKey, createdAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyVersion v && v.version == version && v.kid == kid && v.kekId.equals(kekId)
                && Arrays.equals(v.wrapped, wrapped) && Arrays.equals(v.publicKey, publicKey)
                && v.createdAt.equals(createdAt);
    }

    @Override
    public int hashCode() {
        return 31 * version + kid;
    }

    @Override
    public String toString() {
        return "KeyVersion[v" + version + ", kid=" + Integer.toHexString(kid) + ", kek=" + kekId
                + (destroyed() ? ", destroyed" : "") + "]";
    }
}
