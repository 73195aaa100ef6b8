package keyward.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * Seals values under one AES-256 key for a store that must not read them: the nonce is made here
 * and carried in the sealed form, and the caller's AAD (typically where the value is stored)
 * binds it to its place.
 *
 * <pre>
 * sealed = 0x01 | nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16)     AAD = the caller's aad
 * </pre>
 *
 * Every failure to open (wrong key or AAD, any changed, missing or added byte, an unknown format)
 * is the same {@link DecryptionFailedException}. Made by {@link KeyDerivation#sealer}. Immutable
 * and thread-safe.
 */
public final class Sealer {
    /** Bytes a sealed value has beyond its plaintext. */
    public static final int OVERHEAD = 1 + Aead.NONCE_LENGTH + Aead.TAG_LENGTH;
    private static final byte FORMAT = 0x01;
    private static final int BODY = 1 + Aead.NONCE_LENGTH;

    private final Secret key;

    Sealer(Secret key) {
        if (key.length() != Algorithm.AES_256_GCM.size) {
            throw new IllegalArgumentException("a sealer key is 32 bytes");
        }
        this.key = key;
    }

    /** {@code plaintext} sealed with a fresh nonce and bound to {@code aad}; {@link #OVERHEAD} bytes longer. */
    public byte[] seal(byte[] plaintext, byte[] aad) {
        byte[] out = new byte[OVERHEAD + plaintext.length];
        out[0] = FORMAT;
        System.arraycopy(Rand.bytes(Aead.NONCE_LENGTH), 0, out, 1, Aead.NONCE_LENGTH);
        try {
            Cipher c = Aead.init(Algorithm.AES_256_GCM, Cipher.ENCRYPT_MODE, key.revealBytes(), out, 1);
            c.updateAAD(aad);
            c.doFinal(plaintext, 0, plaintext.length, out, BODY);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /**
     * The plaintext of a value made by {@link #seal} with the same {@code aad}.
     *
     * @throws DecryptionFailedException for anything else, always with the same message
     */
    public byte[] open(byte[] sealed, byte[] aad) throws DecryptionFailedException {
        if (sealed == null || sealed.length < OVERHEAD || sealed[0] != FORMAT) {
            throw new DecryptionFailedException();
        }
        try {
            Cipher c = Aead.init(Algorithm.AES_256_GCM, Cipher.DECRYPT_MODE, key.revealBytes(), sealed, 1);
            c.updateAAD(aad);
            return c.doFinal(sealed, BODY, sealed.length - BODY);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }

    @Override
    public String toString() {
        return "Sealer[***]";
    }
}
