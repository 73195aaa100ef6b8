package keyward.kmip;

import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of TTLV (as Cosmian's clients send it): each item is an object
 * {@code {"tag": "UniqueIdentifier", "type": "TextString", "value": ...}}. Tags are names or
 * {@code "0x42XXXX"}; a Structure's value is an array of items; Integer and Interval are numbers;
 * LongInteger and DateTimeExtended numbers or {@code "0x..."} hex; BigInteger {@code "0x..."} hex of
 * its two's complement bytes; ByteString hex digits; an Enumeration the value's name (or {@code "0x0000000A"}, or a number); DateTime an
 * ISO-8601 string. The type may be left out of a Structure. Conversion is bounded by the same
 * {@link TtlvCodec.Limits} as the binary form; every problem is Invalid Message naming the item.
 */
public final class JsonTtlv {
    private JsonTtlv() {
    }

    public static Ttlv fromJson(Object json, TtlvCodec.Limits limits) {
        return new Reader(limits).item(json, 0, "message");
    }

    /** The JSON-able form (maps, lists, strings, numbers) of {@code t}. */
    public static Map<String, Object> toJson(Ttlv t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tag", Tags.name(t.tag()));
        m.put("type", t.type().jsonName);
        Object v = switch (t.type()) {
            case STRUCTURE -> {
                List<Object> items = new ArrayList<>();
                for (Ttlv i : t.items()) {
                    items.add(toJson(i));
                }
                yield items;
            }
            case INTEGER, INTERVAL -> (long) (Integer) t.value();
            case LONG_INTEGER, DATE_TIME_EXTENDED, BOOLEAN, TEXT_STRING -> t.value();
            case BIG_INTEGER -> "0x" + HexFormat.of().withUpperCase().formatHex(TtlvCodec.bigInteger((BigInteger) t.value()));
            case ENUMERATION -> Enums.name(t.tag(), (Integer) t.value());
            case BYTE_STRING -> HexFormat.of().withUpperCase().formatHex((byte[]) t.value());
            case DATE_TIME -> dateTime((Long) t.value());
        };
        m.put("value", v);
        return m;
    }

    /** ISO-8601 for the years 0 to 9999, the number of seconds beyond them (both read back). */
    private static Object dateTime(long seconds) {
        if (seconds < -62_167_219_200L || seconds > 253_402_300_799L) {
            return seconds;
        }
        return Instant.ofEpochSecond(seconds).toString();
    }

    private static final class Reader {
        private final TtlvCodec.Limits limits;
        private int items;

        Reader(TtlvCodec.Limits limits) {
            this.limits = limits;
        }

        Ttlv item(Object json, int depth, String where) {
            if (depth > limits.maxDepth()) {
                throw invalid(where, "nests deeper than " + limits.maxDepth() + " levels");
            }
            if (++items > limits.maxItems()) {
                throw invalid(where, "the message has more than " + limits.maxItems() + " items");
            }
            if (!(json instanceof Map<?, ?> m)) {
                throw invalid(where, "must be an object with tag, type and value");
            }
            for (Object k : m.keySet()) {
                if (!"tag".equals(k) && !"type".equals(k) && !"value".equals(k)) {
                    throw invalid(where, "has a member other than tag, type and value");
                }
            }
            if (!(m.get("tag") instanceof String tagName)) {
                throw invalid(where, "needs a string 'tag'");
            }
            int tag = Tags.code(tagName);
            if (tag < 0 || tag > 0xFFFFFF) {
                throw invalid(where, "has an unknown tag; use a KMIP tag name or 0x42XXXX");
            }
            String here = Tags.name(tag);
            Object typeName = m.get("type");
            Object value = m.get("value");
            Ttlv.Type type;
            if (typeName == null && value instanceof List<?>) {
                type = Ttlv.Type.STRUCTURE;
            } else if (typeName instanceof String s) {
                type = Ttlv.Type.byJsonName(s).orElseThrow(() -> invalid(here, "has an unknown type"));
            } else {
                throw invalid(here, "needs a string 'type'");
            }
            if (value == null) {
                throw invalid(here, "needs a 'value'");
            }
            return new Ttlv(tag, type, value(tag, type, value, depth, here));
        }

        private Object value(int tag, Ttlv.Type type, Object v, int depth, String here) {
            switch (type) {
                case STRUCTURE: {
                    if (!(v instanceof List<?> list)) {
                        throw invalid(here, "is a Structure: its value must be an array");
                    }
                    List<Ttlv> out = new ArrayList<>();
                    for (Object o : list) {
                        out.add(item(o, depth + 1, here));
                    }
                    return out;
                }
                case INTEGER:
                case INTERVAL:
                    return (int) number(v, Integer.MIN_VALUE, type == Ttlv.Type.INTERVAL ? 0xFFFFFFFFL : Integer.MAX_VALUE,
                            here);
                case LONG_INTEGER:
                case DATE_TIME_EXTENDED:
                    return number(v, Long.MIN_VALUE, Long.MAX_VALUE, here);
                case BIG_INTEGER:
                    if (v instanceof Long l) {
                        return BigInteger.valueOf(l);
                    }
                    String digits = hexDigits(v, here); // two's complement, as in the binary form
                    return new BigInteger(HexFormat.of().parseHex(digits.length() % 2 == 0 ? digits : "0" + digits));
                case ENUMERATION: {
                    if (v instanceof Long l) {
                        return (int) number(l, 0, 0xFFFFFFFFL, here);
                    }
                    if (!(v instanceof String s)) {
                        throw invalid(here, "is an Enumeration: its value must be a name or 0x hex");
                    }
                    Integer code = Enums.code(tag, s);
                    if (code == null) {
                        throw invalid(here, "has an unknown enumeration value");
                    }
                    return code;
                }
                case BOOLEAN:
                    if (!(v instanceof Boolean b)) {
                        throw invalid(here, "is a Boolean: its value must be true or false");
                    }
                    return b;
                case TEXT_STRING:
                    if (!(v instanceof String s)) {
                        throw invalid(here, "is a TextString: its value must be a string");
                    }
                    return s;
                case BYTE_STRING: {
                    if (!(v instanceof String s) || s.length() % 2 != 0) {
                        throw invalid(here, "is a ByteString: its value must be hex digits, two per byte");
                    }
                    try {
                        return HexFormat.of().parseHex(s);
                    } catch (IllegalArgumentException e) {
                        throw invalid(here, "is a ByteString: its value must be hex digits, two per byte");
                    }
                }
                case DATE_TIME:
                default:
                    if (v instanceof Long l) {
                        return l;
                    }
                    if (!(v instanceof String s) || s.length() > 64) {
                        throw invalid(here, "is a DateTime: its value must be an ISO-8601 date and time");
                    }
                    try {
                        return OffsetDateTime.parse(s).toEpochSecond();
                    } catch (DateTimeParseException e) {
                        throw invalid(here, "is a DateTime: its value must be an ISO-8601 date and time");
                    }
            }
        }

        private static long number(Object v, long min, long max, String here) {
            long n;
            if (v instanceof Long l) {
                n = l;
            } else if (v instanceof String) {
                String digits = hexDigits(v, here);
                if (digits.length() > 16) {
                    throw invalid(here, "is out of range");
                }
                n = Long.parseUnsignedLong(digits, 16);
            } else {
                throw invalid(here, "must be a number or 0x hex");
            }
            if (n < min || n > max) {
                throw invalid(here, "is out of range");
            }
            return n;
        }

        private static String hexDigits(Object v, String here) {
            if (v instanceof String s && s.length() > 2 && s.length() <= 8194 && (s.startsWith("0x") || s.startsWith("0X"))
                    && s.substring(2).chars().allMatch(c -> HexFormat.isHexDigit(c))) {
                return s.substring(2);
            }
            throw invalid(here, "must be 0x followed by hex digits");
        }
    }

    private static KmipException invalid(String where, String what) {
        return new KmipException(Reason.INVALID_MESSAGE, "JSON TTLV: " + where + " " + what);
    }
}
