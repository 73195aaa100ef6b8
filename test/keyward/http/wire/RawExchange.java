package keyward.http.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One raw request over a socket and what came back: the first final answer (1xx answers are
 * skipped), or nothing if the server closed the connection, and whether it closed afterwards.
 */
final class RawExchange {
    /** The answer's status, 0 if the server closed without one. */
    final int status;
    final String head;
    final byte[] body;
    /** Whether the server closed the connection after its answer (or instead of one). */
    final boolean closed;
    final long millis;

    private RawExchange(int status, String head, byte[] body, boolean closed, long millis) {
        this.status = status;
        this.head = head;
        this.body = body;
        this.closed = closed;
        this.millis = millis;
    }

    /** Sends {@code request}, half-closing after it if {@code halfClose}; waits at most {@code waitMs} for each read. */
    static RawExchange send(int port, byte[] request, boolean halfClose, int waitMs) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(waitMs);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (SocketException e) {
                // the server refused and closed while we were still sending: read what it said
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer and no close within " + waitMs + " ms; got: " + got);
                } catch (SocketException reset) {
                    n = -1; // a reset ends the connection as a close does
                }
                if (n < 0) {
                    return parse(got.toByteArray(), true, t0);
                }
                got.write(buf, 0, n);
                RawExchange r = complete(got.toByteArray(), t0);
                if (r != null) {
                    return new RawExchange(r.status, r.head, r.body, closedAfter(s, in), r.millis);
                }
            }
        }
    }

    private static boolean closedAfter(Socket s, InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** The first final answer if {@code raw} holds all of it, else null. */
    private static RawExchange complete(byte[] raw, long t0) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int from = 0;
        while (true) {
            int end = all.indexOf("\r\n\r\n", from);
            if (end < 0) {
                return null;
            }
            String head = all.substring(from, end);
            if (head.startsWith("HTTP/1.1 1")) {
                from = end + 4;
                continue;
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            if (raw.length < end + 4 + length) {
                return null;
            }
            byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, end + 4 + length);
            return new RawExchange(Integer.parseInt(head.substring(9, 12)), head, body, false,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static RawExchange parse(byte[] raw, boolean closed, long t0) {
        if (raw.length == 0) {
            return new RawExchange(0, "", new byte[0], closed, (System.nanoTime() - t0) / 1_000_000);
        }
        RawExchange r = complete(raw, t0);
        if (r == null) {
            throw new AssertionError("an incomplete answer before the close: "
                    + new String(raw, StandardCharsets.ISO_8859_1));
        }
        return new RawExchange(r.status, r.head, r.body, closed, r.millis);
    }

    @Override
    public String toString() {
        return status == 0 ? "closed without an answer" : head + "\n\n" + new String(body, StandardCharsets.UTF_8);
    }
}
