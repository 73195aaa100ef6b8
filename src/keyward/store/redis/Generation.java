package keyward.store.redis;

import java.util.Arrays;
import java.util.List;
import keyward.store.StoreException;

/**
 * Which index generation (label) this instance reads and writes. Thread-safe.
 *
 * <p>Redis holds the label in use, encrypted, at {@code <ns>:label}, and during a rotation the
 * label being built at {@code <ns>:next}. Every index append and every object write checks,
 * inside its Lua script, that both still hold the bytes this instance last read; if not, the
 * write is refused, the view is re-read and the operation starts over. So once a rotation has
 * begun, every write also lands in the new generation, and once it has ended nobody writes to the
 * old one: running instances follow a rotation by themselves. Only an instance <em>started</em>
 * with a label other than the current one is refused.
 */
final class Generation {

    /** What this instance believes Redis holds; {@code next} is null outside a rotation. */
    record View(String label, byte[] labelRaw, String next, byte[] nextRaw) {
        /** The labels a writer must append to: the current one, and the next one during a rotation. */
        List<String> writeLabels() {
            return next == null ? List.of(label) : List.of(label, next);
        }

        /** Names this generation for caches: the label record is sealed afresh at every switch. */
        String cacheTag() {
            return Scripts.sha1Hex(labelRaw) + "\n";
        }

        List<byte[]> scriptArgs() {
            return List.of(labelRaw, nextRaw == null ? new byte[0] : nextRaw);
        }
    }

    /** The generation changed under a write; nothing was written by the refused step. */
    static final class ChangedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChangedException() {
            super("the findex label changed during the write", null, false, false);
        }
    }

    private final RedisPool pool;
    private final RedisKeys keys;
    private final ObjectCodec codec;
    private volatile View view;

    Generation(RedisPool pool, RedisKeys keys, ObjectCodec codec) {
        this.pool = pool;
        this.keys = keys;
        this.codec = codec;
    }

    /** At start: records {@code label} if Redis has none yet, and refuses any other label. */
    void start(String label) {
        byte[] mine = codec.seal(keys.labelKey(), Records.text(Records.LABEL, label));
        pool.call(RedisConnection.setNx(keys.labelKey(), mine));
        View v = refresh();
        if (!v.label().equals(label)) {
            throw new StoreException("this Redis index uses a different findex label than '" + label
                    + "' (it was rotated): start with the label given to the last rotate-findex-label");
        }
    }

    View current() {
        View v = view;
        return v != null ? v : refresh();
    }

    /** Re-reads the label and the rotation marker from Redis. */
    View refresh() {
        Object r = pool.call(RedisConnection.args("MGET", keys.labelKey(), keys.nextLabelKey()));
        List<?> both = (List<?>) r;
        byte[] labelRaw = (byte[]) both.get(0);
        byte[] nextRaw = (byte[]) both.get(1);
        if (labelRaw == null) {
            throw new StoreException("the Redis database has no findex label record: it was not created by keyward or was partly deleted");
        }
        String label = Records.text(Records.LABEL, codec.open(keys.labelKey(), labelRaw));
        String next = nextRaw == null ? null : Records.text(Records.LABEL, codec.open(keys.nextLabelKey(), nextRaw));
        View v = new View(label, labelRaw, next, nextRaw);
        view = v;
        return v;
    }

    /** True if {@code raw} (read from the label record together with other data) still matches {@code v}. */
    static boolean sameLabel(View v, Object raw) {
        return raw instanceof byte[] b && Arrays.equals(b, v.labelRaw());
    }

    byte[] sealLabel(String key, String label) {
        return codec.seal(key, Records.text(Records.LABEL, label));
    }
}
