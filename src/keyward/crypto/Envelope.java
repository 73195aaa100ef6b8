package keyward.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Encryption under a key version, in Keyward's self-describing ciphertext format. Callers never
 * see or choose a nonce: each AEAD encryption draws a fresh random 96-bit one.
 *
 * <pre>
 * AEAD (aes-128-gcm, aes-192-gcm, aes-256-gcm, chacha20-poly1305):
 *   0      1            5              17                          end
 *   +------+------------+--------------+-------------+-------------+
 *   | 0x01 | kid (BE32) | nonce (12 B) | ciphertext  | tag (16 B)  |
 *   +------+------------+--------------+-------------+-------------+
 *   AEAD AAD = blob[0..5) ‖ BE32(len(aad)) ‖ aad
 *
 * RSA (rsa-2048, rsa-3072, rsa-4096), OAEP with SHA-256 and MGF1-SHA-256:
 *   +------+------------+------------------------------------------+
 *   | 0x01 | kid (BE32) | OAEP ciphertext (modulus length)         |
 *   +------+------------+------------------------------------------+
 *   OAEP label = SHA-256(blob[0..5) ‖ aad)
 * </pre>
 *
 * The header (format byte and kid) is authenticated, so a ciphertext cannot be re-labelled to
 * another key version, and the caller's aad ({@code null} = empty) must match exactly. Every
 * decryption failure is the same {@link DecryptionFailedException}. Stateless and thread-safe.
 */
public final class Envelope {

    static final byte FORMAT = 0x01;
    static final int HEADER_LENGTH = 5;
    private static final int AEAD_OVERHEAD = HEADER_LENGTH + Aead.NONCE_LENGTH + Aead.TAG_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    private static final ThreadLocal<Cipher> OAEP = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("RSA/ECB/OAEPPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks RSA-OAEP", e);
        }
    });

    private Envelope() {
    }

    /**
     * Encrypts {@code plaintext} under {@code key} (the version with id {@code kid}), binding
     * {@code aad}. RSA needs only the public half.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} does not encrypt
     * @throws CryptoInputException if the plaintext is over the RSA-OAEP limit
     */
    public static byte[] encrypt(Algorithm alg, KeyMaterial key, int kid, byte[] plaintext, byte[] aad) {
        alg.require(Operation.ENCRYPT);
        aad = aad == null ? EMPTY : aad;
        try {
            if (alg.family == Algorithm.Family.RSA) {
                return encryptRsa(alg, key, kid, plaintext, aad);
            }
            byte[] out = new byte[AEAD_OVERHEAD + plaintext.length];
            writeHeader(out, kid);
            byte[] nonce = Rand.bytes(Aead.NONCE_LENGTH);
            System.arraycopy(nonce, 0, out, HEADER_LENGTH, Aead.NONCE_LENGTH);
            Cipher c = Aead.init(alg, Cipher.ENCRYPT_MODE, secret(alg, key), out, HEADER_LENGTH);
            bindAad(c, out, aad);
            c.doFinal(plaintext, 0, plaintext.length, out, HEADER_LENGTH + Aead.NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.id() + " encryption failed", e);
        }
    }

    /**
     * The key id in a ciphertext's header, to find the key version that opens it.
     *
     * @throws DecryptionFailedException if {@code blob} is not in this format
     */
    public static int kidOf(byte[] blob) throws DecryptionFailedException {
        if (blob == null || blob.length < HEADER_LENGTH || blob[0] != FORMAT) {
            throw new DecryptionFailedException();
        }
        return ByteBuffer.wrap(blob, 1, 4).getInt();
    }

    /**
     * The plaintext of {@code blob}, if {@code key} made it with this {@code aad}.
     *
     * @throws DecryptionFailedException on any failure: format, truncation, tampering, key, aad
     * @throws UnsupportedByAlgorithmException if {@code alg} does not decrypt, or {@code key} is public-only
     */
    public static byte[] decrypt(Algorithm alg, KeyMaterial key, byte[] blob, byte[] aad) throws DecryptionFailedException {
        alg.require(Operation.DECRYPT);
        kidOf(blob);
        aad = aad == null ? EMPTY : aad;
        if (alg.family == Algorithm.Family.RSA) {
            return decryptRsa(alg, key, blob, aad);
        }
        byte[] secret = secret(alg, key);
        if (blob.length < AEAD_OVERHEAD) {
            throw new DecryptionFailedException();
        }
        try {
            Cipher c = Aead.init(alg, Cipher.DECRYPT_MODE, secret, blob, HEADER_LENGTH);
            bindAad(c, blob, aad);
            int start = HEADER_LENGTH + Aead.NONCE_LENGTH;
            return c.doFinal(blob, start, blob.length - start);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }

    private static void writeHeader(byte[] out, int kid) {
        out[0] = FORMAT;
        out[1] = (byte) (kid >>> 24);
        out[2] = (byte) (kid >>> 16);
        out[3] = (byte) (kid >>> 8);
        out[4] = (byte) kid;
    }

    /**
     * Feeds header ‖ BE32(len(aad)) ‖ aad as one piece: the JDK's GCM copies every updateAAD into
     * its own buffer, so three calls cost measurably more than one on small messages.
     */
    private static void bindAad(Cipher c, byte[] header, byte[] aad) {
        byte[] bound = new byte[HEADER_LENGTH + 4 + aad.length];
        System.arraycopy(header, 0, bound, 0, HEADER_LENGTH);
        bound[HEADER_LENGTH] = (byte) (aad.length >>> 24);
        bound[HEADER_LENGTH + 1] = (byte) (aad.length >>> 16);
        bound[HEADER_LENGTH + 2] = (byte) (aad.length >>> 8);
        bound[HEADER_LENGTH + 3] = (byte) aad.length;
        System.arraycopy(aad, 0, bound, HEADER_LENGTH + 4, aad.length);
        c.updateAAD(bound);
    }

    private static byte[] secret(Algorithm alg, KeyMaterial key) {
        if (key.secret() == null) {
            throw new UnsupportedByAlgorithmException("this " + alg.id() + " key version holds only a public key");
        }
        return key.secret().revealBytes();
    }

    private static byte[] encryptRsa(Algorithm alg, KeyMaterial key, int kid, byte[] plaintext, byte[] aad)
            throws GeneralSecurityException {
        if (plaintext.length > alg.maxPlaintextLength()) {
            throw new CryptoInputException("plaintext is " + plaintext.length + " bytes; " + alg.id()
                    + " with OAEP-SHA256 takes at most " + alg.maxPlaintextLength());
        }
        byte[] header = new byte[HEADER_LENGTH];
        writeHeader(header, kid);
        Cipher c = OAEP.get();
        c.init(Cipher.ENCRYPT_MODE, AsymmetricKeys.publicKey(alg, key.publicKey()), oaep(header, aad),
                Rand.secureRandom());
        byte[] out = new byte[HEADER_LENGTH + alg.size / 8];
        System.arraycopy(header, 0, out, 0, HEADER_LENGTH);
        c.doFinal(plaintext, 0, plaintext.length, out, HEADER_LENGTH);
        return out;
    }

    private static byte[] decryptRsa(Algorithm alg, KeyMaterial key, byte[] blob, byte[] aad) throws DecryptionFailedException {
        byte[] pkcs8 = secret(alg, key);
        try {
            java.security.PrivateKey priv = AsymmetricKeys.privateKey(alg, pkcs8);
            int k = (((RSAKey) priv).getModulus().bitLength() + 7) / 8;
            if (blob.length != HEADER_LENGTH + k) {
                throw new DecryptionFailedException();
            }
            Cipher c = OAEP.get();
            c.init(Cipher.DECRYPT_MODE, priv, oaep(blob, aad));
            return c.doFinal(blob, HEADER_LENGTH, k);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }

    private static OAEPParameterSpec oaep(byte[] header, byte[] aad) throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(header, 0, HEADER_LENGTH);
        sha.update(aad);
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(sha.digest()));
    }
}
