package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.Sealer;
import keyward.store.StoreException;

/**
 * Everything stored in Redis goes through here, sealed by a {@link Sealer} and bound to the Redis
 * key it is stored under (AAD), so Redis can neither read a value nor move it to another name.
 * Thread-safe.
 *
 * <pre>
 * value = 0x01 | nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16)     AAD = UTF-8(redis key)
 * </pre>
 * Objects use k_object, index cells k_cell (see {@link RedisKeys}). Every failure to open says the same thing.
 */
final class ObjectCodec {
    static final int OVERHEAD = Sealer.OVERHEAD;

    private final Sealer objects;
    private final Sealer cells;

    ObjectCodec(RedisKeys keys) {
        this.objects = keys.objectSealer();
        this.cells = keys.cellSealer();
    }

    byte[] seal(String redisKey, byte[] plain) {
        return objects.seal(plain, aad(redisKey));
    }

    byte[] open(String redisKey, byte[] sealed) {
        return open(objects, redisKey, sealed);
    }

    byte[] sealCell(String redisKey, byte[] plain) {
        return cells.seal(plain, aad(redisKey));
    }

    byte[] openCell(String redisKey, byte[] sealed) {
        return open(cells, redisKey, sealed);
    }

    private static byte[] open(Sealer sealer, String redisKey, byte[] sealed) {
        try {
            return sealer.open(sealed, aad(redisKey));
        } catch (DecryptionFailedException e) {
            throw new StoreException("Redis value " + redisKey
                    + " does not decrypt: it was changed, moved or written under another master key", e);
        }
    }

    private static byte[] aad(String redisKey) {
        return redisKey.getBytes(StandardCharsets.UTF_8);
    }
}
