package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The raw AEAD primitives (AES-GCM, ChaCha20-Poly1305) with a 96-bit nonce and a 128-bit tag.
 * Callers inside the barrier choose nonces here; nothing outside this package can.
 *
 * <p>{@link Cipher#getInstance} is costly next to sealing 64 bytes, so each thread keeps one
 * instance per primitive and re-initialises it for every call. One exception: the JDK's
 * ChaCha20-Poly1305 refuses any re-initialisation with the key and nonce of the previous one, even
 * to decrypt, so decrypting one ciphertext twice on a thread would fail; it gets a fresh instance
 * for every decryption (encryption nonces are random and never repeat).
 */
final class Aead {

    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> newCipher("AES/GCM/NoPadding"));
    private static final ThreadLocal<Cipher> CHACHA = ThreadLocal.withInitial(() -> newCipher("ChaCha20-Poly1305"));

    private Aead() {
    }

    private static Cipher newCipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + transformation, e);
        }
    }

    /**
     * This thread's cipher for {@code alg}, initialised for {@code mode} with the key and the 12
     * bytes of nonce at {@code nonce[nonceOffset..]}. The caller adds AAD and calls doFinal.
     */
    static Cipher init(Algorithm alg, int mode, byte[] key, byte[] nonce, int nonceOffset) throws GeneralSecurityException {
        return init(alg, mode, key, nonce, nonceOffset, false);
    }

    /**
     * As {@link #init(Algorithm, int, byte[], byte[], int)}; {@code fresh} takes a new cipher instead
     * of this thread's, for deterministic (convergent) nonces: the JDK's GCM refuses to encrypt
     * twice with one key and nonce on one instance, which equal convergent inputs legitimately do.
     */
    static Cipher init(Algorithm alg, int mode, byte[] key, byte[] nonce, int nonceOffset, boolean fresh)
            throws GeneralSecurityException {
        if (alg.family != Algorithm.Family.AEAD || key.length != alg.size) {
            throw new IllegalArgumentException("not a " + alg.id() + " key");
        }
        Cipher cipher;
        SecretKeySpec spec;
        AlgorithmParameterSpec params;
        if (alg == Algorithm.CHACHA20_POLY1305) {
            cipher = mode == Cipher.ENCRYPT_MODE && !fresh ? CHACHA.get() : newCipher("ChaCha20-Poly1305");
            spec = new SecretKeySpec(key, "ChaCha20");
            params = new IvParameterSpec(nonce, nonceOffset, NONCE_LENGTH);
        } else {
            cipher = fresh ? newCipher("AES/GCM/NoPadding") : GCM.get();
            spec = new SecretKeySpec(key, "AES");
            params = new GCMParameterSpec(TAG_LENGTH * 8, nonce, nonceOffset, NONCE_LENGTH);
        }
        cipher.init(mode, spec, params);
        return cipher;
    }

    /** ciphertext ‖ tag of {@code plaintext} under a caller-chosen nonce; for known-answer tests and the KEK. */
    static byte[] seal(Algorithm alg, byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
        try {
            Cipher c = init(alg, Cipher.ENCRYPT_MODE, key, nonce, 0);
            c.updateAAD(aad);
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.id() + " sealing failed", e);
        }
    }

    /** The plaintext of {@code sealed} (ciphertext ‖ tag). */
    static byte[] open(Algorithm alg, byte[] key, byte[] nonce, byte[] sealed, byte[] aad) throws DecryptionFailedException {
        try {
            Cipher c = init(alg, Cipher.DECRYPT_MODE, key, nonce, 0);
            c.updateAAD(aad);
            return c.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }
}
