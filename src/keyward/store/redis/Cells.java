package keyward.store.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import keyward.store.StoreException;

/**
 * The byte layout of index headers and cells; both seal to exactly {@link #SEALED_BYTES}.
 * <pre>
 * cell   = op (1: add, 0: delete) | version (8) | length (1) | value (&lt;= 70, UTF-8) | zeros  = 80 bytes
 * header = count (8) | zeros                                                                = 80 bytes
 * </pre>
 * The header and each cell are AES-GCM sealed under k_cell with their own address as AAD.
 */
final class Cells {
    static final int PLAIN_BYTES = 80;
    static final int SEALED_BYTES = PLAIN_BYTES + ObjectCodec.OVERHEAD;
    static final int MAX_VALUE = PLAIN_BYTES - 10;

    private Cells() {
    }

    static byte[] sealEntry(ObjectCodec codec, String address, Findex.Entry e) {
        byte[] value = e.value().getBytes(StandardCharsets.UTF_8);
        return codec.sealCell(address, ByteBuffer.allocate(PLAIN_BYTES).put((byte) (e.add() ? 1 : 0))
                .putLong(e.version()).put((byte) value.length).put(value).array());
    }

    static Findex.Entry openEntry(ObjectCodec codec, String address, byte[] sealed) {
        byte[] p = open(codec, address, sealed);
        ByteBuffer b = ByteBuffer.wrap(p);
        boolean add = b.get() == 1;
        long version = b.getLong();
        int len = b.get() & 0xff;
        if (len > MAX_VALUE) {
            throw damaged(null);
        }
        return new Findex.Entry(add, version, new String(p, 10, len, StandardCharsets.UTF_8));
    }

    static byte[] sealHeader(ObjectCodec codec, String address, long count) {
        return codec.sealCell(address, ByteBuffer.allocate(PLAIN_BYTES).putLong(count).array());
    }

    /** The count a header holds; 0 for an absent header. */
    static long openHeader(ObjectCodec codec, String address, byte[] sealed) {
        if (sealed == null) {
            return 0;
        }
        long n = ByteBuffer.wrap(open(codec, address, sealed)).getLong();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw damaged(null);
        }
        return n;
    }

    private static byte[] open(ObjectCodec codec, String address, byte[] sealed) {
        byte[] p;
        try {
            p = codec.openCell(address, sealed);
        } catch (StoreException e) {
            throw damaged(e);
        }
        if (p.length != PLAIN_BYTES) {
            throw damaged(null);
        }
        return p;
    }

    static StoreException damaged(Exception cause) {
        return new StoreException("the encrypted index in Redis is damaged; rebuild it with rotate-findex-label", cause);
    }
}
