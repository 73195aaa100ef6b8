package keyward.http.wire;

import java.io.IOException;
import java.io.InputStream;

/**
 * Buffered reads from one connection, shared by the head parser and the body streams. A read
 * that fails because the connection's deadline closed the socket throws {@link DeadlineExceeded}.
 * Used by the connection's thread only.
 */
final class SocketInput {
    private final InputStream in;
    private final Connection conn;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;

    SocketInput(InputStream in, Connection conn) {
        this.in = in;
        this.conn = conn;
    }

    /** The next byte, or -1 at the end of the stream. */
    int read() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Up to {@code len} bytes (at least one), or -1 at the end of the stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (pos == lim) {
            if (len >= buf.length) {
                return guarded(b, off, len); // a large read needs no copy
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Whether a byte can be read without waiting; waits for one if none is buffered. False at the end of the stream. */
    boolean await() throws IOException {
        return pos < lim || fill();
    }

    private boolean fill() throws IOException {
        int n = guarded(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private int guarded(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            throw conn.expired() ? new DeadlineExceeded("reading the request took too long") : e;
        }
    }
}
