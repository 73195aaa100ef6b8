package keyward.http.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body as the handler reads it: exactly Content-Length bytes, or chunks (RFC 9112
 * 7.1) with strictly parsed sizes. Framing errors are {@link BadRequestBody}; a client that closes
 * the connection before its body is complete is an {@link EOFException} (it went away: no one
 * reads an answer). On the first read the client's {@code Expect: 100-continue} is answered.
 * The end of the body ends the read deadline of the request. Used by the connection's thread only.
 */
final class RequestBody extends InputStream {
    private static final int MAX_SIZE_LINE = 4096;
    private static final int MAX_TRAILERS = 32;

    private final SocketInput in;
    private final Connection conn;
    private final boolean chunked;
    /** Bytes left of the body (fixed length) or of the current chunk. */
    private long remaining;
    private boolean started;
    /** Whether a chunk came before, so that its CRLF is due. */
    private boolean chunkSeen;
    private boolean done;
    private boolean closed;

    RequestBody(SocketInput in, Connection conn, RequestHead head) {
        this.in = in;
        this.conn = conn;
        this.chunked = head.chunked();
        this.remaining = chunked ? 0 : Math.max(0, head.contentLength());
        this.done = !head.hasBody();
        if (done) {
            started = true;
        }
    }

    /** Whether the whole body has been read, so that the next request can follow on the connection. */
    boolean complete() {
        return done;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the request body is closed");
        }
        try {
            return next(b, off, len);
        } catch (IOException e) {
            conn.keepAlive = false; // where the next request would begin is unknown
            throw e;
        }
    }

    /**
     * Reads and drops what the handler left of the body, at most {@code max} bytes; whether the
     * body's end was reached, so that the connection can take another request.
     */
    boolean drain(long max) throws IOException {
        byte[] skip = new byte[4096];
        long left = max;
        while (!done && left > 0) {
            int n = next(skip, 0, (int) Math.min(skip.length, left));
            if (n > 0) {
                left -= n;
            }
        }
        return done;
    }

    private int next(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (!started) {
            started = true;
            conn.sendContinue();
        }
        if (remaining == 0) {
            if (!chunked || !nextChunk()) {
                finish();
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the client closed the connection before the end of its request body");
        }
        remaining -= n;
        if (remaining == 0 && !chunked) {
            finish();
        }
        return n;
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void finish() {
        done = true;
        conn.bodyRead();
    }

    /** Reads the next chunk's size line (after the CRLF ending the one before); false at the last chunk. */
    private boolean nextChunk() throws IOException {
        if (chunkSeen) {
            crlf("a chunk is not followed by CRLF");
        }
        chunkSeen = true;
        long size = 0;
        int digits = 0;
        int c = in.read();
        while (isHex(c)) {
            if (++digits > 8) {
                throw new BadRequestBody("a chunk size is longer than 8 hex digits");
            }
            size = size * 16 + Character.digit(c, 16);
            c = in.read();
        }
        if (digits == 0) {
            throw c < 0 ? truncated() : new BadRequestBody("bad chunk size; send it in hex digits");
        }
        if (size > Integer.MAX_VALUE) {
            throw new BadRequestBody("a chunk is larger than " + Integer.MAX_VALUE + " bytes");
        }
        skipToLineEnd(c, true);
        if (size == 0) {
            trailers();
            return false;
        }
        remaining = size;
        return true;
    }


    /** After the size: optional chunk extensions ({@code ;name=value}), then CRLF. */
    private void skipToLineEnd(int c, boolean extensionsAllowed) throws IOException {
        int n = 0;
        if (c != '\r' && !(extensionsAllowed && (c == ';' || c == ' ' || c == '\t'))) {
            throw c < 0 ? truncated() : new BadRequestBody("bad chunk size line");
        }
        while (c != '\r') {
            if (c < 0) {
                throw truncated();
            }
            if (c == '\n' || ++n > MAX_SIZE_LINE || (c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadRequestBody("bad chunk size line");
            }
            c = in.read();
        }
        lf("a chunk size line ends without CRLF");
    }

    private void trailers() throws IOException {
        for (int count = 0; count <= MAX_TRAILERS; count++) {
            int c = in.read();
            if (c == '\r') {
                lf("the chunked body does not end with CRLF");
                return;
            }
            int n = 0;
            while (c != '\r') {
                if (c < 0) {
                    throw truncated();
                }
                if (c == '\n' || ++n > HeadParser.MAX_LINE || (c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new BadRequestBody("bad trailer line after the last chunk");
                }
                c = in.read();
            }
            lf("a trailer line ends without CRLF");
        }
        throw new BadRequestBody("more than " + MAX_TRAILERS + " trailer lines");
    }

    private void crlf(String what) throws IOException {
        int c = in.read();
        if (c != '\r') {
            throw c < 0 ? truncated() : new BadRequestBody(what);
        }
        lf(what);
    }

    private void lf(String what) throws IOException {
        int c = in.read();
        if (c != '\n') {
            throw c < 0 ? truncated() : new BadRequestBody(what);
        }
    }

    private static EOFException truncated() {
        return new EOFException("the client closed the connection before the end of its chunked body");
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
