package keyward.store;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Writes the primitives of a {@link BinaryLayout} to a {@link DataOutput}. Not thread-safe. */
public final class BinaryWriter {
    private final DataOutput out;
    private final BinaryLayout layout;

    public BinaryWriter(DataOutput out, BinaryLayout layout) {
        this.out = out;
        this.layout = layout;
    }

    public void str(String s) throws IOException {
        bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    public void bytes(byte[] b) throws IOException {
        if (layout.presenceByte) {
            out.writeBoolean(b != null);
        } else if (b == null) {
            out.writeInt(-1);
        }
        if (b != null) {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    public void time(Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    /** The item count that starts a list. */
    public void count(int n) throws IOException {
        out.writeInt(n);
    }

    public void bool(boolean b) throws IOException {
        out.writeBoolean(b);
    }

    public void i32(int n) throws IOException {
        out.writeInt(n);
    }

    public void i64(long n) throws IOException {
        out.writeLong(n);
    }
}
