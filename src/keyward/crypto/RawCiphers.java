package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.MGF1ParameterSpec;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Raw block cipher modes and RSA-OAEP for protocols whose clients bring their own IVs and keep
 * their own ciphertext layout (KMIP): AES-GCM with a separate tag and AAD, AES-CBC with or
 * without PKCS#5 padding, AES-CTR, and RSA-OAEP with SHA-1 or SHA-2. Unlike {@link Envelope},
 * the output names no key version and the caller may choose the IV, so these are only for callers
 * that ask for a raw mode explicitly. Each call takes a fresh {@link Cipher}: caller IVs may
 * legitimately repeat across calls (decryption), which the JDK's per-instance GCM check refuses.
 *
 * <p>Invalid parameters (IV or tag length, key length, block alignment) give
 * {@link CryptoInputException}; a ciphertext that does not open gives
 * {@link DecryptionFailedException}. Stateless and thread-safe.
 */
public final class RawCiphers {

    /** The AES modes served. */
    public enum Mode {
        GCM, CBC, CTR
    }

    /** The hashes OAEP takes, by the names KMIP's Hashing Algorithm maps to. */
    public enum OaepHash {
        SHA1("SHA-1"), SHA256("SHA-256"), SHA384("SHA-384"), SHA512("SHA-512");

        final String jcaName;

        OaepHash(String jcaName) {
            this.jcaName = jcaName;
        }

        int length() {
            return switch (this) {
                case SHA1 -> 20;
                case SHA256 -> 32;
                case SHA384 -> 48;
                case SHA512 -> 64;
            };
        }
    }

    public static final int BLOCK = 16;
    /** The GCM IV a server draws: 96 bits, as NIST SP 800-38D recommends. */
    public static final int GCM_IV = 12;
    /** GCM IVs a caller may give, in bytes. */
    public static final int GCM_IV_MIN = 12;
    public static final int GCM_IV_MAX = 64;
    /** GCM tags in bytes: 12 to 16 (96 to 128 bits). */
    public static final int TAG_MIN = 12;
    public static final int TAG_MAX = 16;

    /** A GCM result: the ciphertext and the tag, apart. */
    public record Sealed(byte[] ciphertext, byte[] tag) {
    }

    private RawCiphers() {
    }

    /** A fresh IV of the length {@code mode} draws: 12 bytes for GCM, a block for CBC and CTR. */
    public static byte[] freshIv(Mode mode) {
        return Rand.bytes(mode == Mode.GCM ? GCM_IV : BLOCK);
    }

    /**
     * AES-GCM of {@code plaintext} under {@code key} with {@code iv}, binding {@code aad} (null =
     * none), with a tag of {@code tagLength} bytes.
     */
    public static Sealed gcmSeal(byte[] key, byte[] iv, byte[] plaintext, byte[] aad, int tagLength) {
        checkAesKey(key);
        checkGcm(iv, tagLength);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagLength * 8, iv));
            if (aad != null) {
                c.updateAAD(aad);
            }
            byte[] all = c.doFinal(plaintext);
            int n = all.length - tagLength;
            byte[] ct = java.util.Arrays.copyOf(all, n);
            byte[] tag = java.util.Arrays.copyOfRange(all, n, all.length);
            return new Sealed(ct, tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /** The plaintext of an AES-GCM ciphertext and its tag; any mismatch fails. */
    public static byte[] gcmOpen(byte[] key, byte[] iv, byte[] ciphertext, byte[] tag, byte[] aad)
            throws DecryptionFailedException {
        checkAesKey(key);
        checkGcm(iv, tag.length);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tag.length * 8, iv));
            if (aad != null) {
                c.updateAAD(aad);
            }
            c.update(ciphertext);
            return c.doFinal(tag);
        } catch (AEADBadTagException e) {
            throw new DecryptionFailedException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }

    /**
     * AES-CBC (with PKCS#5 padding if {@code padded}; else the plaintext must be whole blocks) or
     * AES-CTR ({@code padded} must be false) of {@code data} with a 16-byte {@code iv}.
     */
    public static byte[] encrypt(Mode mode, boolean padded, byte[] key, byte[] iv, byte[] data) {
        Cipher c = blockCipher(mode, padded, Cipher.ENCRYPT_MODE, key, iv, data.length);
        try {
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-" + mode + " encryption failed", e);
        }
    }

    /** The inverse of {@link #encrypt}; a CBC ciphertext whose padding does not check fails. */
    public static byte[] decrypt(Mode mode, boolean padded, byte[] key, byte[] iv, byte[] data)
            throws DecryptionFailedException {
        if (mode == Mode.CBC && padded && (data.length == 0 || data.length % BLOCK != 0)) {
            throw new CryptoInputException("an AES-CBC ciphertext is a whole number of 16-byte blocks, at least one");
        }
        Cipher c = blockCipher(mode, padded, Cipher.DECRYPT_MODE, key, iv, data.length);
        try {
            return c.doFinal(data);
        } catch (BadPaddingException e) {
            throw new DecryptionFailedException();
        } catch (IllegalBlockSizeException e) {
            throw new CryptoInputException("the ciphertext is not a whole number of 16-byte blocks");
        }
    }

    private static Cipher blockCipher(Mode mode, boolean padded, int op, byte[] key, byte[] iv, int length) {
        checkAesKey(key);
        if (mode == Mode.GCM) {
            throw new IllegalArgumentException("GCM has its own methods");
        }
        if (iv == null || iv.length != BLOCK) {
            throw new CryptoInputException("AES-" + mode + " takes a 16-byte IV/Counter/Nonce, not "
                    + (iv == null ? "none" : iv.length + " bytes"));
        }
        if (mode == Mode.CTR && padded) {
            throw new CryptoInputException("AES-CTR takes no padding");
        }
        if (mode == Mode.CBC && !padded && length % BLOCK != 0) {
            throw new CryptoInputException("AES-CBC without padding takes whole 16-byte blocks; the data is "
                    + length + " bytes (ask for PKCS5 padding)");
        }
        String transformation = mode == Mode.CTR ? "AES/CTR/NoPadding"
                : padded ? "AES/CBC/PKCS5Padding" : "AES/CBC/NoPadding";
        try {
            Cipher c = Cipher.getInstance(transformation);
            c.init(op, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + transformation, e);
        }
    }

    /** RSA-OAEP encryption with the public key (SPKI DER) of an RSA key; MGF1 uses {@code mgf}. */
    public static byte[] oaepEncrypt(Algorithm alg, byte[] publicKeySpki, OaepHash hash, OaepHash mgf, byte[] plaintext) {
        requireRsa(alg);
        int modulus = alg.size / 8;
        int max = modulus - 2 * hash.length() - 2;
        if (plaintext.length > max) {
            throw new CryptoInputException("RSA-OAEP with " + alg.id() + " and " + hash.jcaName + " takes at most "
                    + max + " bytes; the data is " + plaintext.length);
        }
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, AsymmetricKeys.publicKey(alg, publicKeySpki), oaep(hash, mgf), Rand.secureRandom());
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP encryption failed", e);
        }
    }

    /** RSA-OAEP decryption with the private key (PKCS#8 DER). */
    public static byte[] oaepDecrypt(Algorithm alg, byte[] privateKeyPkcs8, OaepHash hash, OaepHash mgf,
                                     byte[] ciphertext) throws DecryptionFailedException {
        requireRsa(alg);
        if (ciphertext.length != alg.size / 8) {
            throw new DecryptionFailedException();
        }
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.DECRYPT_MODE, AsymmetricKeys.privateKey(alg, privateKeyPkcs8), oaep(hash, mgf));
            return c.doFinal(ciphertext);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new DecryptionFailedException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP decryption failed", e);
        }
    }

    private static OAEPParameterSpec oaep(OaepHash hash, OaepHash mgf) {
        return new OAEPParameterSpec(hash.jcaName, "MGF1", new MGF1ParameterSpec(mgf.jcaName), PSource.PSpecified.DEFAULT);
    }

    private static void requireRsa(Algorithm alg) {
        if (alg.family != Algorithm.Family.RSA) {
            throw new UnsupportedByAlgorithmException("RSA-OAEP needs an RSA key, not " + alg.id());
        }
    }

    private static void checkAesKey(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new CryptoInputException("an AES key is 16, 24 or 32 bytes");
        }
    }

    private static void checkGcm(byte[] iv, int tagLength) {
        if (iv == null || iv.length < GCM_IV_MIN || iv.length > GCM_IV_MAX) {
            throw new CryptoInputException("AES-GCM takes an IV/Counter/Nonce of " + GCM_IV_MIN + " to " + GCM_IV_MAX
                    + " bytes, not " + (iv == null ? "none" : iv.length + " bytes"));
        }
        if (tagLength < TAG_MIN || tagLength > TAG_MAX) {
            throw new CryptoInputException("AES-GCM tags are " + TAG_MIN + " to " + TAG_MAX + " bytes, not " + tagLength);
        }
    }
}
