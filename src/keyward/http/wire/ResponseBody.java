package keyward.http.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An answer's body: exactly the announced length, chunks when none was announced, or nothing
 * (HEAD, 204, length -1: written bytes are refused, as by the JDK's engine). Closing it ends the
 * body and sends what is buffered; a fixed-length body closed short leaves the connection unusable
 * for another request. Used by one handler thread.
 */
final class ResponseBody extends OutputStream {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final Connection conn;
    /** Bytes still due for a fixed length, -1 for chunks, -2 for no body. */
    private long remaining;
    private boolean closed;

    ResponseBody(OutputStream out, Connection conn, long remaining) {
        this.out = out;
        this.conn = conn;
        this.remaining = remaining;
    }

    static ResponseBody fixed(OutputStream out, Connection conn, long length) {
        return new ResponseBody(out, conn, length);
    }

    static ResponseBody chunked(OutputStream out, Connection conn) {
        return new ResponseBody(out, conn, -1);
    }

    static ResponseBody none(OutputStream out, Connection conn) {
        return new ResponseBody(out, conn, -2);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the response body is closed");
        }
        if (len == 0) {
            return;
        }
        if (remaining == -2) {
            throw new IOException("this answer has no body (HEAD, 204 or length -1)");
        }
        try {
            if (remaining == -1) {
                out.write(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
                out.write(CRLF);
                out.write(b, off, len);
                out.write(CRLF);
            } else {
                if (len > remaining) {
                    throw new IOException("more bytes than the announced length of the answer");
                }
                out.write(b, off, len);
                remaining -= len;
            }
        } catch (IOException e) {
            throw conn.failed(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw conn.failed(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (remaining == -1) {
                out.write(LAST_CHUNK);
            } else if (remaining > 0) {
                conn.keepAlive = false; // the client would wait for the missing bytes
            }
            out.flush();
        } catch (IOException e) {
            throw conn.failed(e);
        }
    }
}
