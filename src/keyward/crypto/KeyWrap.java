package keyward.crypto;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES key wrapping: RFC 3394 (NIST SP 800-38F KW, whole 8-byte blocks, at least 16 bytes) and
 * RFC 5649 (KWP, with padding, any length from 1 byte), with the default initial values. The
 * wrapped bytes are what any KW/KWP implementation (openssl's id-aes256-wrap, Python's
 * {@code cryptography} keywrap) unwraps. Stateless and thread-safe.
 */
public final class KeyWrap {

    /** The two methods, by RFC. */
    public enum Method {
        /** RFC 3394, NIST KW. */
        KW("AES/KW/NoPadding"),
        /** RFC 5649, NIST KWP. */
        KWP("AES/KWP/NoPadding");

        private final String transformation;

        Method(String transformation) {
            this.transformation = transformation;
        }
    }

    /** The largest key wrapped here: 64 KiB, beyond any key Keyward holds. */
    private static final int MAX = 65536;

    private KeyWrap() {
    }

    /**
     * {@code key} wrapped under the AES key {@code kek}.
     *
     * @throws CryptoInputException if the key's length does not fit the method or {@code kek} is no AES key
     */
    public static byte[] wrap(Method method, byte[] kek, byte[] key) {
        checkKek(kek);
        if (method == Method.KW && (key.length < 16 || key.length % 8 != 0)) {
            throw new CryptoInputException("RFC 3394 key wrap takes keys of whole 8-byte blocks, at least 16 bytes;"
                    + " this one is " + key.length + " bytes (use AES Key Wrap Padding, RFC 5649)");
        }
        if (key.length < 1 || key.length > MAX) {
            throw new CryptoInputException("key wrap takes 1 to " + MAX + " bytes");
        }
        try {
            Cipher c = Cipher.getInstance(method.transformation);
            c.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
            return c.wrap(new SecretKeySpec(key, "RAW"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key wrap failed", e);
        }
    }

    /** The key inside {@code wrapped}; any tampering, or the wrong key, fails the integrity check. */
    public static byte[] unwrap(Method method, byte[] kek, byte[] wrapped) throws DecryptionFailedException {
        checkKek(kek);
        if (wrapped.length < 16 || wrapped.length % 8 != 0 || wrapped.length > MAX + 16) {
            throw new DecryptionFailedException();
        }
        try {
            Cipher c = Cipher.getInstance(method.transformation);
            c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            return c.unwrap(wrapped, "RAW", Cipher.SECRET_KEY).getEncoded();
        } catch (java.security.InvalidKeyException e) {
            throw new DecryptionFailedException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key unwrap failed", e);
        }
    }

    private static void checkKek(byte[] kek) {
        if (kek.length != 16 && kek.length != 24 && kek.length != 32) {
            throw new CryptoInputException("the wrapping key must be an AES key of 16, 24 or 32 bytes");
        }
    }
}
