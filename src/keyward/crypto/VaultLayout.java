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
            return sealAead(alg, secret(alg, key), Rand.bytes(Aead.NONCE_LENGTH), plaintext, aad, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.id() + " encryption failed", e);
        }
    }

    private static byte[] sealAead(Algorithm alg, byte[] key, byte[] nonce, byte[] plaintext, byte[] aad,
                                   boolean deterministicNonce) throws GeneralSecurityException {
        byte[] out = new byte[Aead.NONCE_LENGTH + plaintext.length + Aead.TAG_LENGTH];
        System.arraycopy(nonce, 0, out, 0, Aead.NONCE_LENGTH);
        Cipher c = Aead.init(alg, Cipher.ENCRYPT_MODE, key, out, 0, deterministicNonce);
        c.updateAAD(aad == null ? EMPTY : aad);
        c.doFinal(plaintext, 0, plaintext.length, out, Aead.NONCE_LENGTH);
        return out;
    }

    /**
     * Encrypts under the key derived for {@code context} (Transit's derived keys): the AEAD key
     * is HKDF-SHA256 of the version's key (extract with an all-zero salt, expand with
     * "keyward-transit-derived" | context). With {@code convergent}, the nonce is the first 12
     * bytes of HMAC-SHA256(derived key, BE32(len(aad)) | aad | plaintext), so equal inputs give
     * equal ciphertexts and a nonce never repeats for different inputs. Keyward's own derivation:
     * not Vault's counter-mode KDF, so such ciphertexts do not move between Vault and Keyward.
     *
     * @throws UnsupportedByAlgorithmException unless {@code alg} is an AEAD algorithm
     */
    public static byte[] sealDerived(Algorithm alg, KeyMaterial key, byte[] context, boolean convergent,
                                     byte[] plaintext, byte[] aad) {
        requireAead(alg);
        byte[] derived = derive(alg, key, context);
        try {
            byte[] nonce;
            if (convergent) {
                byte[] a = aad == null ? EMPTY : aad;
                byte[] input = new byte[4 + a.length + plaintext.length];
                input[0] = (byte) (a.length >>> 24);
                input[1] = (byte) (a.length >>> 16);
                input[2] = (byte) (a.length >>> 8);
                input[3] = (byte) a.length;
                System.arraycopy(a, 0, input, 4, a.length);
                System.arraycopy(plaintext, 0, input, 4 + a.length, plaintext.length);
                nonce = java.util.Arrays.copyOf(Macs.hmac(Hash.SHA256, derived, input), Aead.NONCE_LENGTH);
                java.util.Arrays.fill(input, (byte) 0);
            } else {
                nonce = Rand.bytes(Aead.NONCE_LENGTH);
            }
            return sealAead(alg, derived, nonce, plaintext, aad, convergent);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.id() + " encryption failed", e);
        } finally {
            java.util.Arrays.fill(derived, (byte) 0);
        }
    }

    /** The plaintext of {@link #sealDerived} output; any failure is {@link DecryptionFailedException}. */
    public static byte[] openDerived(Algorithm alg, KeyMaterial key, byte[] context, byte[] blob, byte[] aad)
            throws DecryptionFailedException {
        requireAead(alg);
        byte[] derived = derive(alg, key, context);
        try (KeyMaterial m = KeyMaterial.symmetric(Secret.copyOf(derived))) {
            return open(alg, m, blob, aad);
        } finally {
            java.util.Arrays.fill(derived, (byte) 0);
        }
    }

    private static void requireAead(Algorithm alg) {
        if (alg.family != Algorithm.Family.AEAD) {
            throw new UnsupportedByAlgorithmException(alg.id() + " keys cannot be derived; only AES-GCM and"
                    + " ChaCha20-Poly1305 keys can");
        }
    }

    private static byte[] derive(Algorithm alg, KeyMaterial key, byte[] context) {
        byte[] prk = Macs.hmac(Hash.SHA256, new byte[32], secret(alg, key));
        byte[] label = "keyward-transit-derived".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] info = new byte[label.length + context.length];
        System.arraycopy(label, 0, info, 0, label.length);
        System.arraycopy(context, 0, info, label.length, context.length);
        try {
            return Hkdf.expand(prk, info, alg.size);
        } finally {
            java.util.Arrays.fill(prk, (byte) 0);
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
