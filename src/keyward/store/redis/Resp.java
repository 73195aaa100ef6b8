package keyward.store.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The RESP2 codec: commands out as arrays of bulk strings, replies in with a limit on every size.
 *
 * <p>Reply values: {@code String} (simple string), {@link Error} (error reply), {@code Long}
 * (integer), {@code byte[]} or {@code null} (bulk string), {@code List<Object>} or {@code null}
 * (array). A malformed or oversized reply raises {@link ProtocolException}: the stream is then
 * out of step and the connection must be dropped.
 */
final class Resp {
    static final int MAX_BULK = 64 * 1024 * 1024;
    static final int MAX_ARRAY = 1_000_000;
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_DEPTH = 8;

    /** An error reply such as {@code NOSCRIPT ...} or {@code WRONGTYPE ...}. */
    record Error(String message) {
        boolean hasCode(String code) {
            return message.startsWith(code + " ") || message.equals(code);
        }
    }

    /** The reply stream broke the protocol or a limit; the connection is unusable afterwards. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private Resp() {
    }

    static void writeCommand(OutputStream out, List<byte[]> args) throws IOException {
        out.write('*');
        out.write(ascii(args.size()));
        out.write('\r');
        out.write('\n');
        for (byte[] a : args) {
            out.write('$');
            out.write(ascii(a.length));
            out.write('\r');
            out.write('\n');
            out.write(a);
            out.write('\r');
            out.write('\n');
        }
    }

    static Object read(InputStream in) throws IOException {
        return read(in, 0);
    }

    private static Object read(InputStream in, int depth) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection");
        }
        switch (type) {
            case '+':
                return line(in);
            case '-':
                return new Error(line(in));
            case ':':
                return number(line(in));
            case '$':
                return bulk(in);
            case '*':
                return array(in, depth);
            default:
                throw new ProtocolException("unexpected RESP type byte 0x" + Integer.toHexString(type));
        }
    }

    private static byte[] bulk(InputStream in) throws IOException {
        long len = number(line(in));
        if (len == -1) {
            return null;
        }
        if (len < 0 || len > MAX_BULK) {
            throw new ProtocolException("RESP bulk length " + len + " is outside 0.." + MAX_BULK);
        }
        // readNBytes grows with the data that actually arrives, so a lying length costs no memory
        byte[] b = in.readNBytes((int) len);
        if (b.length != len) {
            throw new EOFException("Redis closed the connection inside a bulk string");
        }
        if (in.read() != '\r' || in.read() != '\n') {
            throw new ProtocolException("RESP bulk string not followed by CRLF");
        }
        return b;
    }

    private static List<Object> array(InputStream in, int depth) throws IOException {
        long len = number(line(in));
        if (len == -1) {
            return null;
        }
        if (len < 0 || len > MAX_ARRAY) {
            throw new ProtocolException("RESP array length " + len + " is outside 0.." + MAX_ARRAY);
        }
        if (depth >= MAX_DEPTH) {
            throw new ProtocolException("RESP arrays nested deeper than " + MAX_DEPTH);
        }
        // grow as elements arrive rather than trusting the announced length with memory
        List<Object> items = new ArrayList<>((int) Math.min(len, 1024));
        for (long i = 0; i < len; i++) {
            items.add(read(in, depth + 1));
        }
        return Collections.unmodifiableList(items);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("Redis closed the connection inside a reply line");
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new ProtocolException("RESP line has CR without LF");
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new ProtocolException("RESP line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) c);
        }
    }

    private static long number(String s) throws ProtocolException {
        if (s.isEmpty() || s.length() > 20) {
            throw new ProtocolException("RESP number is malformed");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProtocolException("RESP number is malformed");
        }
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
