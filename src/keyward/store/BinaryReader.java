package keyward.store;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads the primitives of a {@link BinaryLayout}. Never trusts a length: every string, blob and
 * list is bounded before anything is allocated, and over a byte array also by what is left.
 * Malformed input is an {@link IOException} ({@link java.io.EOFException} when it ends early)
 * whose message never quotes the content. Not thread-safe.
 */
public final class BinaryReader {
    private final DataInput in;
    private final BinaryLayout layout;
    private final ByteArrayInputStream array;

    public BinaryReader(DataInput in, BinaryLayout layout) {
        this(in, layout, null);
    }

    private BinaryReader(DataInput in, BinaryLayout layout, ByteArrayInputStream array) {
        this.in = in;
        this.layout = layout;
        this.array = array;
    }

    /** A reader of {@code b} from {@code offset} to its end. */
    public static BinaryReader of(byte[] b, int offset, BinaryLayout layout) {
        ByteArrayInputStream array = new ByteArrayInputStream(b, offset, b.length - offset);
        return new BinaryReader(new DataInputStream(array), layout, array);
    }

    /**
     * Whether bytes are left, for a reader of a byte array ({@link #of}).
     *
     * @throws IllegalStateException for a reader of a stream, which cannot tell
     */
    public boolean hasMore() {
        if (array == null) {
            throw new IllegalStateException("a stream reader cannot tell whether more follows");
        }
        return array.available() > 0;
    }

    public String str() throws IOException {
        byte[] b = read(BinaryLayout.MAX_STRING);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public byte[] bytes() throws IOException {
        return read(layout.maxBytes);
    }

    public Instant time() throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long seconds = in.readLong();
        int nanos = in.readInt();
        if (nanos < 0 || nanos > 999_999_999 || seconds < Instant.MIN.getEpochSecond()
                || seconds > Instant.MAX.getEpochSecond()) {
            throw new IOException("bad time");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The item count that starts a list. */
    public int count() throws IOException {
        int n = in.readInt();
        if (n < 0 || n > layout.maxItems) {
            throw new IOException("bad list length");
        }
        return n;
    }

    public boolean bool() throws IOException {
        return in.readBoolean();
    }

    public int i32() throws IOException {
        return in.readInt();
    }

    public long i64() throws IOException {
        return in.readLong();
    }

    private byte[] read(int max) throws IOException {
        int n;
        if (layout.presenceByte) {
            if (!in.readBoolean()) {
                return null;
            }
            n = in.readInt();
        } else {
            n = in.readInt();
            if (n == -1) {
                return null;
            }
        }
        if (n < 0 || n > max || (array != null && n > array.available())) {
            throw new IOException("bad length");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
