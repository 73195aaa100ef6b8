package keyward.kmip;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * One TTLV item: a 3-byte tag, a type and a value. Values by type: Structure a {@code List<Ttlv>},
 * Integer, Enumeration and Interval an {@link Integer}, LongInteger a {@link Long}, BigInteger a
 * {@link BigInteger}, Boolean a {@link Boolean}, TextString a {@link String}, ByteString a
 * {@code byte[]}, DateTime seconds since the epoch and DateTimeExtended microseconds, both as a
 * {@link Long}. Immutable apart from the ByteString array, which callers must not change.
 */
public record Ttlv(int tag, Type type, Object value) {

    /** The TTLV item types with their one-byte codes. */
    public enum Type {
        STRUCTURE(0x01, "Structure"),
        INTEGER(0x02, "Integer"),
        LONG_INTEGER(0x03, "LongInteger"),
        BIG_INTEGER(0x04, "BigInteger"),
        ENUMERATION(0x05, "Enumeration"),
        BOOLEAN(0x06, "Boolean"),
        TEXT_STRING(0x07, "TextString"),
        BYTE_STRING(0x08, "ByteString"),
        DATE_TIME(0x09, "DateTime"),
        INTERVAL(0x0A, "Interval"),
        DATE_TIME_EXTENDED(0x0B, "DateTimeExtended");

        final int code;
        final String jsonName;

        Type(int code, String jsonName) {
            this.code = code;
            this.jsonName = jsonName;
        }

        static Optional<Type> of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }

        static Optional<Type> byJsonName(String name) {
            for (Type t : values()) {
                if (t.jsonName.equals(name)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    public Ttlv {
        if (type == Type.STRUCTURE) {
            value = List.copyOf((List<?>) value);
        }
    }

    static Ttlv structure(int tag, List<Ttlv> items) {
        return new Ttlv(tag, Type.STRUCTURE, items);
    }

    static Ttlv integer(int tag, int v) {
        return new Ttlv(tag, Type.INTEGER, v);
    }

    static Ttlv enumeration(int tag, int v) {
        return new Ttlv(tag, Type.ENUMERATION, v);
    }

    static Ttlv text(int tag, String v) {
        return new Ttlv(tag, Type.TEXT_STRING, v);
    }

    static Ttlv bytes(int tag, byte[] v) {
        return new Ttlv(tag, Type.BYTE_STRING, v);
    }

    static Ttlv bool(int tag, boolean v) {
        return new Ttlv(tag, Type.BOOLEAN, v);
    }

    static Ttlv dateTime(int tag, long epochSeconds) {
        return new Ttlv(tag, Type.DATE_TIME, epochSeconds);
    }

    /** The items of a structure. */
    @SuppressWarnings("unchecked") // the compact constructor keeps a Structure's value a List<Ttlv>
    public List<Ttlv> items() {
        if (type != Type.STRUCTURE) {
            throw new KmipException(Reason.INVALID_FIELD, Tags.name(tag) + " must be a structure");
        }
        return (List<Ttlv>) value;
    }

    /** The first item with {@code tag} inside this structure. */
    Optional<Ttlv> first(int tag) {
        for (Ttlv t : items()) {
            if (t.tag == tag) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Every item with {@code tag} inside this structure, in order. */
    List<Ttlv> all(int tag) {
        return items().stream().filter(t -> t.tag == tag).toList();
    }

    /** The first item with {@code tag}, or Invalid Field naming what is missing. */
    Ttlv required(int tag) {
        return first(tag).orElseThrow(() -> new KmipException(Reason.INVALID_FIELD,
                Tags.name(this.tag) + " lacks " + Tags.name(tag)));
    }

    int asInt() {
        if (type != Type.INTEGER && type != Type.ENUMERATION && type != Type.INTERVAL) {
            throw wrongType("an integer or enumeration");
        }
        return (Integer) value;
    }

    long asLong() {
        if (type == Type.LONG_INTEGER || type == Type.DATE_TIME || type == Type.DATE_TIME_EXTENDED) {
            return (Long) value;
        }
        return asInt();
    }

    String asText() {
        if (type != Type.TEXT_STRING) {
            throw wrongType("a text string");
        }
        return (String) value;
    }

    byte[] asBytes() {
        if (type != Type.BYTE_STRING) {
            throw wrongType("a byte string");
        }
        return (byte[]) value;
    }

    boolean asBoolean() {
        if (type != Type.BOOLEAN) {
            throw wrongType("a boolean");
        }
        return (Boolean) value;
    }

    private KmipException wrongType(String wanted) {
        return new KmipException(Reason.INVALID_FIELD, Tags.name(tag) + " must be " + wanted + ", not " + type.jsonName);
    }

    /** Value equality (byte strings by content, structures item by item), for tests and round trips. */
    public boolean sameAs(Ttlv o) {
        if (tag != o.tag || type != o.type) {
            return false;
        }
        if (type == Type.STRUCTURE) {
            List<Ttlv> a = items();
            List<Ttlv> b = o.items();
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).sameAs(b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (type == Type.BYTE_STRING) {
            return java.util.Arrays.equals((byte[]) value, (byte[]) o.value);
        }
        return value.equals(o.value);
    }
}
