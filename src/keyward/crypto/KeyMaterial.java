package keyward.crypto;

/**
 * The material of one key version as the crypto barrier uses it.
 *
 * <ul>
 *   <li>symmetric and secret keys: {@code secret} = raw key bytes, {@code publicKey} = null;
 *   <li>asymmetric keys: {@code secret} = PKCS#8 DER, {@code publicKey} = SPKI DER;
 *   <li>public-only imports: {@code secret} = null, {@code publicKey} = SPKI DER.
 * </ul>
 *
 * <p>{@code publicKey} is not secret and is shared, not copied: do not modify it. Closing wipes the
 * secret half. Immutable apart from {@link #close()}.
 */
public record KeyMaterial(Secret secret, byte[] publicKey) implements AutoCloseable {

    public KeyMaterial {
        if (secret == null && publicKey == null) {
            throw new IllegalArgumentException("key material needs a secret or a public key");
        }
    }

    /** A symmetric (or secret-data) key. */
    public static KeyMaterial symmetric(Secret secret) {
        return new KeyMaterial(secret, null);
    }

    /** True if this holds a private or symmetric key, not only a public key. */
    public boolean hasSecret() {
        return secret != null;
    }

    @Override
    public void close() {
        if (secret != null) {
            secret.close();
        }
    }

    @Override
    public String toString() {
        return "KeyMaterial[secret=" + (secret == null ? "none" : "***")
                + ", publicKey=" + (publicKey == null ? "none" : publicKey.length + " bytes") + "]";
    }
}
