package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Vault Transit's ciphertext bytes (what follows {@code vault:vN:} in base64), so that data
 * encrypted here stays readable by any Transit implementation and the reverse:
 *
 * <pre>
 *   AES-GCM96, ChaCha20-Poly1305:  nonce (12) | ciphertext | tag (16)    AAD = the caller's associated_data
 *   RSA:                           RSA-OAEP (SHA-256, MGF1-SHA-256, empty label); no AAD, as Vault
 * </pre>
 *
 * Unlike {@link Envelope}, nothing names the key version inside: the {@code vN} prefix does.
 * Stateless and thread-safe.
 */
public final class VaultLayout {
    private static final byte[] EMPTY = new byte[0];
    private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
            PSource.PSpecified.DEFAULT);

    private VaultLayout() {
    }

    /**
     * Encrypts with a fresh random nonce.
     *
     * @throws UnsupportedByAlgorithmException if {@code alg} does not encrypt
     * @throws CryptoInputException if an RSA plaintext is over the OAEP limit
     */
    public static byte[] seal(Algorithm alg, KeyMaterial key, byte[] plaintext, byte[] aad) {
        alg.require(Operation.ENCRYPT);
        try {
            if (alg.family == Algorithm.Family.RSA) {
                if (plaintext.length > alg.maxPlaintextLength()) {
                    throw new CryptoInputException("plaintext is " + plaintext.length + " bytes; " + alg.id()
                            + " with OAEP-SHA256 takes at most " + alg.maxPlaintextLength());
                }
                Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                c.init(Cipher.ENCRYPT_MODE, AsymmetricKeys.publicKey(alg, key.publicKey()), OAEP, Rand.secureRandom());
                return c.doFinal(plaintext);
            }
            byte[] out = new byte[Aead.NONCE_LENGTH + plaintext.length + Aead.TAG_LENGTH];
            System.arraycopy(Rand.bytes(Aead.NONCE_LENGTH), 0, out, 0, Aead.NONCE_LENGTH);
            Cipher c = Aead.init(alg, Cipher.ENCRYPT_MODE, secret(alg, key), out, 0);
            c.updateAAD(aad == null ? EMPTY : aad);
            c.doFinal(plaintext, 0, plaintext.length, out, Aead.NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.id() + " encryption failed", e);
        }
    }

    /**
     * The plaintext of {@code blob}.
     *
     * @throws DecryptionFailedException on any failure: truncation, tampering, wrong key or aad
     * @throws UnsupportedByAlgorithmException if {@code alg} does not decrypt
     */
    public static byte[] open(Algorithm alg, KeyMaterial key, byte[] blob, byte[] aad) throws DecryptionFailedException {
        alg.require(Operation.DECRYPT);
        byte[] secret = secret(alg, key);
        try {
            if (alg.family == Algorithm.Family.RSA) {
                Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                c.init(Cipher.DECRYPT_MODE, AsymmetricKeys.privateKey(alg, secret), OAEP);
                return c.doFinal(blob);
            }
            if (blob.length < Aead.NONCE_LENGTH + Aead.TAG_LENGTH) {
                throw new DecryptionFailedException();
            }
            Cipher c = Aead.init(alg, Cipher.DECRYPT_MODE, secret, blob, 0);
            c.updateAAD(aad == null ? EMPTY : aad);
            return c.doFinal(blob, Aead.NONCE_LENGTH, blob.length - Aead.NONCE_LENGTH);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
    }

    private static byte[] secret(Algorithm alg, KeyMaterial key) {
        if (key.secret() == null) {
            throw new UnsupportedByAlgorithmException("this " + alg.id() + " key version holds only a public key");
        }
        return key.secret().revealBytes();
    }
}
