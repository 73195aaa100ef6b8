package keyward.ops;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.Kek;
import keyward.crypto.Secret;

/**
 * Opens backup chunks (see {@link BackupFile}) as one plaintext stream. It ends (-1) only after
 * the chunk flagged last has been opened and the file has nothing after it; a chunk that does not
 * open, is out of place, or a file that stops before its last chunk is an {@link OpsException}.
 * Not thread-safe.
 */
final class ChunkReader extends InputStream {
    /** GCM overhead of {@link Kek#wrap}: format byte, nonce, tag. */
    private static final int WRAP_OVERHEAD = 1 + 12 + 16;

    private final DataInputStream in;
    private final Kek kek;
    private final String objectId;
    private final int maxWrapped;
    private final String name;
    private byte[] chunk = new byte[0];
    private int pos;
    private int index;
    private boolean sawLast;

    ChunkReader(InputStream in, Kek kek, BackupHeader.Parsed header, String name) {
        this.in = new DataInputStream(in);
        this.kek = kek;
        this.objectId = header.objectId();
        this.maxWrapped = header.header().chunkSize() + WRAP_OVERHEAD;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        while (pos == chunk.length) {
            if (sawLast) {
                return -1;
            }
            next();
        }
        return chunk[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos == chunk.length) {
            if (sawLast) {
                return -1;
            }
            next();
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private void next() throws IOException {
        int flag;
        int length;
        byte[] wrapped;
        try {
            flag = in.readUnsignedByte();
            length = in.readInt();
            if ((flag != BackupFile.MORE && flag != BackupFile.LAST) || length < WRAP_OVERHEAD || length > maxWrapped) {
                throw damaged();
            }
            wrapped = new byte[length];
            in.readFully(wrapped);
        } catch (EOFException e) {
            throw new OpsException("backup " + name + " is truncated: it ends before its last chunk");
        }
        boolean last = flag == BackupFile.LAST;
        Arrays.fill(chunk, (byte) 0);
        try (Secret plain = kek.unwrap(wrapped, objectId, index, BackupFile.purpose(last))) {
            chunk = plain.revealBytes().clone();
        } catch (DecryptionFailedException e) {
            throw damaged();
        }
        pos = 0;
        index++;
        if (last) {
            sawLast = true;
            if (in.read() >= 0) {
                throw new OpsException("backup " + name + " has data after its last chunk");
            }
        }
    }

    private OpsException damaged() {
        return new OpsException("backup " + name + " is damaged, or was not made with this master key (chunk "
                + index + " does not open)");
    }
}
