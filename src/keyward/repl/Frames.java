package keyward.repl;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import keyward.json.Json;

/**
 * The wire format: each message is one JSON object in a frame.
 *
 * <pre>
 *   +----------------+---------------------------+
 *   | length: u32 BE | UTF-8 JSON object (length) |    1 &lt;= length &lt;= 16 MiB
 *   +----------------+---------------------------+
 * </pre>
 *
 * A length out of range is refused before anything is allocated; reads are bounded by the
 * socket's timeout, set by the caller.
 */
final class Frames {

    static final int MAX_FRAME = 16 << 20;

    private Frames() {
    }

    static void write(OutputStream out, Map<String, Object> message) throws IOException {
        write(out, message, 0);
    }

    /**
     * Writes {@code message}, serialized into room for {@code expectedLength} bytes (a megabyte
     * page grown from a kilobyte is copied a dozen times); returns the frame's length.
     */
    static int write(OutputStream out, Map<String, Object> message, int expectedLength) throws IOException {
        byte[] body = Json.writeBytes(message, Math.min(expectedLength + expectedLength / 8, MAX_FRAME));
        if (body.length > MAX_FRAME) {
            throw new ProtocolException("message over " + MAX_FRAME + " bytes");
        }
        // length and body in one write where they fit one TLS record: two writes are two records,
        // and a small request would leave in two packets
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out, 16 << 10));
        d.writeInt(body.length);
        d.write(body);
        d.flush();
        return body.length;
    }

    /** The next message, or null at a clean end of stream before a frame. */
    static Map<String, Object> read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int first = d.read();
        if (first < 0) {
            return null;
        }
        int length = (first << 24) | (d.readUnsignedByte() << 16) | (d.readUnsignedShort());
        if (length < 1 || length > MAX_FRAME) {
            throw new ProtocolException("frame length out of range (1.." + MAX_FRAME + ")");
        }
        byte[] body = new byte[length];
        try {
            d.readFully(body);
        } catch (EOFException e) {
            throw new ProtocolException("frame cut short");
        }
        return Fields.parse(body, "message");
    }
}
