package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bring-your-own-key wrapping, in the format AWS KMS, Google Cloud KMS and Vault use
 * (RSAES_OAEP_SHA_256 + AES key wrap with padding):
 *
 * <pre>
 * +-----------------------------------------------+----------------------------------+
 * | RSA-OAEP(SHA-256, MGF1-SHA-256, no label) of  | AES-KWP (RFC 5649) of the        |
 * | a fresh 32-byte AES key; modulus length       | material under that AES key      |
 * +-----------------------------------------------+----------------------------------+
 * </pre>
 *
 * With openssl: {@code pkeyutl -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
 * -pkeyopt rsa_mgf1_md:sha256} for the AES key, then {@code enc -id-aes256-wrap-pad -K <hex>
 * -iv A65959A6} for the material. Stateless and thread-safe.
 */
public final class Byok {

    private static final int AES_KEY_LENGTH = 32;
    private static final int MAX_MATERIAL = 65536;
    private static final String REFUSED = "wrapped_material could not be unwrapped with the server's wrapping key";

    private Byok() {
    }

    /** A new RSA-4096 wrapping key pair (takes seconds). */
    public static KeyPair generateWrappingKey() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4), Rand.secureRandom());
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK cannot generate RSA keys", e);
        }
    }

    /**
     * The material inside {@code wrapped}; the caller wipes it.
     *
     * @throws CryptoInputException on any failure, without saying which step failed
     */
    public static byte[] unwrap(PrivateKey rsa, byte[] wrapped) {
        int k = modulusBytes(rsa);
        if (wrapped == null || wrapped.length < k + 16 || wrapped.length > k + MAX_MATERIAL + 16) {
            throw new CryptoInputException(REFUSED);
        }
        byte[] aesKey = null;
        try {
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.DECRYPT_MODE, rsa, oaepParams());
            aesKey = oaep.doFinal(wrapped, 0, k);
            if (aesKey.length != AES_KEY_LENGTH) {
                throw new CryptoInputException(REFUSED);
            }
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
            return kwp.doFinal(wrapped, k, wrapped.length - k);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CryptoInputException(REFUSED);
        } finally {
            if (aesKey != null) {
                Arrays.fill(aesKey, (byte) 0);
            }
        }
    }

    /**
     * Wraps {@code material} for the holder of {@code rsa}'s private key, for export.
     *
     * @throws CryptoInputException if {@code rsa} is not an RSA key of at least 2048 bits, or the
     *         material is empty or over 64 KiB
     */
    public static byte[] wrap(PublicKey rsa, byte[] material) {
        if (!(rsa instanceof RSAKey r) || r.getModulus().bitLength() < 2048) {
            throw new CryptoInputException("wrapping_key must be an RSA public key of at least 2048 bits");
        }
        if (material.length == 0 || material.length > MAX_MATERIAL) {
            throw new CryptoInputException("material to wrap must be 1 to " + MAX_MATERIAL + " bytes");
        }
        byte[] aesKey = Rand.bytes(AES_KEY_LENGTH);
        try {
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, rsa, oaepParams(), Rand.secureRandom());
            byte[] head = oaep.doFinal(aesKey);
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
            byte[] tail = kwp.doFinal(material);
            byte[] out = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, out, head.length, tail.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("BYOK wrapping failed", e);
        } finally {
            Arrays.fill(aesKey, (byte) 0);
        }
    }

    private static int modulusBytes(java.security.Key rsa) {
        if (!(rsa instanceof RSAKey r)) {
            throw new IllegalArgumentException("the wrapping key must be an RSA key");
        }
        return (r.getModulus().bitLength() + 7) / 8;
    }

    private static OAEPParameterSpec oaepParams() {
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    }
}
