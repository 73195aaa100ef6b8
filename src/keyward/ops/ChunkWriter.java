package keyward.ops;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import keyward.crypto.Kek;

/**
 * Seals a plaintext stream into backup chunks (see {@link BackupFile}). Chunks are written when a
 * full one is followed by more data; {@link #close()} seals the rest, possibly empty, as the last
 * chunk, so a stream that was not closed has no last chunk and is refused on restore. Not
 * thread-safe. Closing does not close the underlying stream.
 */
final class ChunkWriter extends OutputStream {
    private final DataOutputStream out;
    private final Kek kek;
    private final String objectId;
    private final byte[] buffer;
    private int filled;
    private int index;
    private boolean closed;

    ChunkWriter(OutputStream out, Kek kek, BackupHeader.Parsed header) {
        this.out = new DataOutputStream(out);
        this.kek = kek;
        this.objectId = header.objectId();
        this.buffer = new byte[header.header().chunkSize()];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("backup stream already closed");
        }
        while (len > 0) {
            if (filled == buffer.length) {
                seal(false);
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Seals the last chunk. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            seal(true);
            closed = true;
            out.flush();
            Arrays.fill(buffer, (byte) 0);
        }
    }

    private void seal(boolean last) throws IOException {
        byte[] plain = Arrays.copyOf(buffer, filled);
        byte[] wrapped = kek.wrap(plain, objectId, index, BackupFile.purpose(last));
        Arrays.fill(plain, (byte) 0);
        out.writeByte(last ? BackupFile.LAST : BackupFile.MORE);
        out.writeInt(wrapped.length);
        out.write(wrapped);
        index++;
        filled = 0;
    }
}
