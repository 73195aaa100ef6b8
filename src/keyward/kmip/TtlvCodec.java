package keyward.kmip;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary TTLV encoding of KMIP. Each item is:
 *
 * <pre>
 *   tag (3 bytes) | type (1) | length (4, big-endian) | value (length bytes) | zero padding to 8
 * </pre>
 *
 * Integer, Enumeration and Interval values are 4 bytes (plus 4 of padding); LongInteger, Boolean,
 * DateTime and DateTimeExtended 8; BigInteger a multiple of 8 (two's complement); strings any
 * length; a Structure's value is its items, one after the other.
 *
 * <p>Decoding is bounded by {@link Limits}: the message size, the nesting depth and the number of
 * items, so a hostile message costs at most a small multiple of its own size. Every problem is a
 * {@link KmipException} with reason Invalid Message naming the offset. Stateless and thread-safe.
 */
public final class TtlvCodec {
    /** Hard bounds of one message. */
    public record Limits(int maxBytes, int maxDepth, int maxItems) {
        /** The bounds used for a message of at most {@code maxBytes}: depth 16, one item per 16 bytes (at least 1,024). */
        public static Limits forBytes(int maxBytes) {
            return new Limits(maxBytes, 16, Math.max(1024, maxBytes / 16));
        }
    }

    private TtlvCodec() {
    }

    /** Decodes exactly one item filling {@code bytes}. */
    public static Ttlv decode(byte[] bytes, Limits limits) {
        if (bytes.length > limits.maxBytes()) {
            throw invalid("the message is " + bytes.length + " bytes, above the limit of " + limits.maxBytes());
        }
        Reader r = new Reader(bytes, limits);
        Ttlv t = r.item(0);
        if (r.pos != bytes.length) {
            throw invalid(bytes.length - r.pos + " bytes follow the message");
        }
        return t;
    }

    /** The value length a header declares (its bytes 4..7), for framing a message read from a stream. */
    static long declaredLength(byte[] header) {
        return ByteBuffer.wrap(header, 4, 4).getInt() & 0xFFFFFFFFL;
    }

    public static byte[] encode(Ttlv t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, t);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Ttlv t) {
        byte[] value = switch (t.type()) {
            case STRUCTURE -> {
                ByteArrayOutputStream inner = new ByteArrayOutputStream();
                for (Ttlv item : t.items()) {
                    write(inner, item);
                }
                yield inner.toByteArray();
            }
            case INTEGER, ENUMERATION, INTERVAL -> ByteBuffer.allocate(4).putInt((Integer) t.value()).array();
            case LONG_INTEGER, DATE_TIME, DATE_TIME_EXTENDED -> ByteBuffer.allocate(8).putLong((Long) t.value()).array();
            case BOOLEAN -> ByteBuffer.allocate(8).putLong((Boolean) t.value() ? 1 : 0).array();
            case BIG_INTEGER -> bigInteger((BigInteger) t.value());
            case TEXT_STRING -> ((String) t.value()).getBytes(StandardCharsets.UTF_8);
            case BYTE_STRING -> (byte[]) t.value();
        };
        out.write(t.tag() >>> 16);
        out.write(t.tag() >>> 8);
        out.write(t.tag());
        out.write(t.type().code);
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
        out.writeBytes(new byte[pad(value.length)]);
    }

    /** Two's complement, sign-extended to a multiple of 8 bytes. */
    static byte[] bigInteger(BigInteger v) {
        byte[] raw = v.toByteArray();
        int len = (raw.length + 7) / 8 * 8;
        byte[] out = new byte[len];
        byte fill = (byte) (v.signum() < 0 ? 0xFF : 0);
        java.util.Arrays.fill(out, 0, len - raw.length, fill);
        System.arraycopy(raw, 0, out, len - raw.length, raw.length);
        return out;
    }

    private static int pad(int length) {
        return (8 - length % 8) % 8;
    }

    private static KmipException invalid(String message) {
        return new KmipException(Reason.INVALID_MESSAGE, "malformed TTLV: " + message);
    }

    /** One pass over the bytes, counting items against the limits. */
    private static final class Reader {
        private final byte[] b;
        private final Limits limits;
        private int pos;
        private int items;

        Reader(byte[] b, Limits limits) {
            this.b = b;
            this.limits = limits;
        }

        Ttlv item(int depth) {
            if (depth > limits.maxDepth()) {
                throw invalid("structures nest deeper than " + limits.maxDepth() + " levels");
            }
            if (++items > limits.maxItems()) {
                throw invalid("more than " + limits.maxItems() + " items");
            }
            int at = pos;
            if (b.length - pos < 8) {
                throw invalid("truncated item header at offset " + at);
            }
            int tag = (b[pos] & 0xFF) << 16 | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF);
            int typeCode = b[pos + 3] & 0xFF;
            long length = ByteBuffer.wrap(b, pos + 4, 4).getInt() & 0xFFFFFFFFL;
            pos += 8;
            Ttlv.Type type = Ttlv.Type.of(typeCode)
                    .orElseThrow(() -> invalid("unknown item type 0x" + Integer.toHexString(typeCode) + " at offset " + at));
            long padded = length + pad((int) (length % 8));
            if (padded > b.length - pos) {
                throw invalid("item at offset " + at + " declares " + length + " bytes; only " + (b.length - pos)
                        + " remain");
            }
            int len = (int) length;
            int start = pos;
            Object value = switch (type) {
                case STRUCTURE -> structure(start + len, depth, at);
                case INTEGER, ENUMERATION, INTERVAL -> {
                    fixed(len, 4, type, at);
                    yield ByteBuffer.wrap(b, start, 4).getInt();
                }
                case LONG_INTEGER, DATE_TIME, DATE_TIME_EXTENDED -> {
                    fixed(len, 8, type, at);
                    yield ByteBuffer.wrap(b, start, 8).getLong();
                }
                case BOOLEAN -> {
                    fixed(len, 8, type, at);
                    long v = ByteBuffer.wrap(b, start, 8).getLong();
                    if (v != 0 && v != 1) {
                        throw invalid("boolean at offset " + at + " is neither 0 nor 1");
                    }
                    yield v == 1;
                }
                case BIG_INTEGER -> {
                    if (len == 0 || len % 8 != 0) {
                        throw invalid("big integer at offset " + at + " must be a positive multiple of 8 bytes long");
                    }
                    yield new BigInteger(java.util.Arrays.copyOfRange(b, start, start + len));
                }
                case TEXT_STRING -> text(start, len, at);
                case BYTE_STRING -> java.util.Arrays.copyOfRange(b, start, start + len);
            };
            pos = start + (int) padded;
            return new Ttlv(tag, type, value);
        }

        private List<Ttlv> structure(int end, int depth, int at) {
            List<Ttlv> out = new ArrayList<>();
            while (pos < end) {
                out.add(item(depth + 1));
                if (pos > end) {
                    throw invalid("an item overruns the structure at offset " + at);
                }
            }
            return out;
        }

        private static void fixed(int len, int wanted, Ttlv.Type type, int at) {
            if (len != wanted) {
                throw invalid(type.jsonName + " at offset " + at + " must be " + wanted + " bytes long, not " + len);
            }
        }

        private String text(int start, int len, int at) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, start, len)).toString();
            } catch (CharacterCodingException e) {
                throw invalid("text string at offset " + at + " is not UTF-8");
            }
        }
    }
}
