package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import keyward.store.StoreException;

/**
 * AES-256-GCM for everything stored in Redis, bound to the Redis key it is stored under (AAD), so
 * Redis can neither read a value nor move it to another name. Thread-safe.
 *
 * <pre>
 * value = 0x01 | nonce (12 random bytes) | ciphertext | tag (16)
 * </pre>
 * Objects use k_object, index cells k_cell. Every failure to open says the same thing.
 */
final class ObjectCodec {
    static final int OVERHEAD = 1 + 12 + 16;
    private static final byte FORMAT = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec objectKey;
    private final SecretKeySpec cellKey;

    ObjectCodec(RedisKeys keys) {
        this.objectKey = keys.objectKey();
        this.cellKey = keys.cellKey();
    }

    byte[] seal(String redisKey, byte[] plain) {
        return seal(objectKey, redisKey, plain);
    }

    byte[] open(String redisKey, byte[] sealed) {
        return open(objectKey, redisKey, sealed);
    }

    byte[] sealCell(String redisKey, byte[] plain) {
        return seal(cellKey, redisKey, plain);
    }

    byte[] openCell(String redisKey, byte[] sealed) {
        return open(cellKey, redisKey, sealed);
    }

    private static byte[] seal(SecretKeySpec key, String redisKey, byte[] plain) {
        byte[] out = new byte[OVERHEAD + plain.length];
        out[0] = FORMAT;
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 1, 12);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(redisKey.getBytes(StandardCharsets.UTF_8));
            c.doFinal(plain, 0, plain.length, out, 13);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] open(SecretKeySpec key, String redisKey, byte[] sealed) {
        if (sealed == null || sealed.length < OVERHEAD || sealed[0] != FORMAT) {
            throw unreadable(redisKey, null);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 1, 13)));
            c.updateAAD(redisKey.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 13, sealed.length - 13);
        } catch (AEADBadTagException e) {
            throw unreadable(redisKey, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static StoreException unreadable(String redisKey, Exception cause) {
        return new StoreException("Redis value " + redisKey + " does not decrypt: it was changed, moved or written under another master key", cause);
    }
}
