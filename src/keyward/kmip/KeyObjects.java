package keyward.kmip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.store.KeyRecord;
import keyward.store.KeyState;

/**
 * How a Keyward key looks as a KMIP managed object: its KMIP state, its attributes, and the
 * attribute structures of KMIP 1.x and 2.x. KMIP-only facts live in the key's Keyward attributes
 * ({@link #STATE_ATTRIBUTE}, {@link #USAGE_ATTRIBUTE}), so they are stored, replicated and
 * backed up with the key. Stateless.
 */
final class KeyObjects {
    /** Set to {@value #PRE_ACTIVE} by a KMIP Create; Activate removes it. */
    static final String STATE_ATTRIBUTE = "kmip_state";
    static final String PRE_ACTIVE = "pre-active";
    /** The Cryptographic Usage Mask given at Create, in decimal. */
    static final String USAGE_ATTRIBUTE = "kmip_usage_mask";
    static final int DEFAULT_USAGE = Enums.USAGE_ENCRYPT | Enums.USAGE_DECRYPT;

    private KeyObjects() {
    }

    /** The AES key length in bits, or 0 when the key is no AES key (not served over KMIP yet). */
    static int aesBits(KeyRecord k) {
        return switch (k.algorithm()) {
            case "aes-128-gcm" -> 128;
            case "aes-256-gcm" -> 256;
            default -> 0;
        };
    }

    /** The AES key length, or Feature Not Supported naming the key's algorithm. */
    static int requireAes(KeyRecord k) {
        int bits = aesBits(k);
        if (bits == 0) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "object " + k.id() + " is a Keyward " + k.algorithm()
                    + " key; KMIP serves AES keys only so far");
        }
        return bits;
    }

    /** The KMIP state of a key (docs/kmip.md has the table). */
    static int state(KeyRecord k) {
        return switch (k.state()) {
            case ACTIVE -> PRE_ACTIVE.equals(k.attributes().get(STATE_ATTRIBUTE)) ? Enums.PRE_ACTIVE : Enums.ACTIVE;
            case DEACTIVATED -> Enums.DEACTIVATED;
            case COMPROMISED -> Enums.COMPROMISED;
            case PENDING_DESTRUCTION -> k.stateBeforeDestroy() == KeyState.COMPROMISED
                    ? Enums.DESTROYED_COMPROMISED : Enums.DESTROYED;
            case DESTROYED -> Enums.DESTROYED;
        };
    }

    static int usageMask(KeyRecord k) {
        String v = k.attributes().get(USAGE_ATTRIBUTE);
        if (v != null) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                // edited over REST into something else: the default applies
            }
        }
        return DEFAULT_USAGE;
    }

    /** The Keyward attributes of a new key made by KMIP Create. */
    static Map<String, String> createAttributes(int usageMask) {
        Map<String, String> a = new HashMap<>();
        a.put(STATE_ATTRIBUTE, PRE_ACTIVE);
        a.put(USAGE_ATTRIBUTE, Integer.toString(usageMask));
        return a;
    }

    /**
     * The key's attributes by tag, values carrying their attribute's tag. {@code extra} adds the
     * ones only given when asked for by name (Extractable, Sensitive: KMIP 1.4 and later).
     */
    static Map<Integer, Ttlv> attributes(KeyRecord k, boolean extra) {
        Map<Integer, Ttlv> out = new LinkedHashMap<>();
        out.put(Tags.UNIQUE_IDENTIFIER, Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
        out.put(Tags.OBJECT_TYPE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY));
        out.put(Tags.CRYPTOGRAPHIC_ALGORITHM, Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES));
        out.put(Tags.CRYPTOGRAPHIC_LENGTH, Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, aesBits(k)));
        out.put(Tags.CRYPTOGRAPHIC_USAGE_MASK, Ttlv.integer(Tags.CRYPTOGRAPHIC_USAGE_MASK, usageMask(k)));
        out.put(Tags.STATE, Ttlv.enumeration(Tags.STATE, state(k)));
        if (k.name() != null) {
            out.put(Tags.NAME, name(Tags.NAME, k.name()));
        }
        out.put(Tags.INITIAL_DATE, Ttlv.dateTime(Tags.INITIAL_DATE, k.createdAt().getEpochSecond()));
        out.put(Tags.LAST_CHANGE_DATE, Ttlv.dateTime(Tags.LAST_CHANGE_DATE, k.updatedAt().getEpochSecond()));
        if (extra) {
            out.put(Tags.EXTRACTABLE, Ttlv.bool(Tags.EXTRACTABLE, k.exportable()));
            out.put(Tags.SENSITIVE, Ttlv.bool(Tags.SENSITIVE, !k.exportable()));
        }
        return out;
    }

    static Ttlv name(int tag, String name) {
        return Ttlv.structure(tag, List.of(Ttlv.text(Tags.NAME_VALUE, name),
                Ttlv.enumeration(Tags.NAME_TYPE, Enums.UNINTERPRETED_TEXT_STRING)));
    }

    /** KMIP 1.x: one Attribute structure (name with spaces, value under the Attribute Value tag). */
    static Ttlv v1Attribute(Ttlv value) {
        Ttlv retagged = new Ttlv(Tags.ATTRIBUTE_VALUE, value.type(), value.value());
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.ATTRIBUTE_NAME, spaced(Tags.name(value.tag()))),
                retagged));
    }

    /** "CryptographicUsageMask" to "Cryptographic Usage Mask". */
    static String spaced(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                sb.append(' ');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The attributes a request carries, by tag, and the names of those this table does not know. */
    record Given(Map<Integer, Ttlv> known, List<String> unknown) {
    }

    /**
     * The attributes of a Create or Locate payload: KMIP 2.x's Attributes structure, or 1.x's
     * Attribute structures (inside a Template-Attribute or directly in the payload). The first
     * value of each attribute counts.
     */
    static Given given(Ttlv payload) {
        Map<Integer, Ttlv> known = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        payload.first(Tags.ATTRIBUTES).ifPresent(a -> a.items().forEach(t -> known.putIfAbsent(t.tag(), t)));
        List<Ttlv> v1 = new ArrayList<>(payload.all(Tags.ATTRIBUTE));
        payload.first(Tags.TEMPLATE_ATTRIBUTE).ifPresent(t -> v1.addAll(t.all(Tags.ATTRIBUTE)));
        for (Ttlv a : v1) {
            String name = a.required(Tags.ATTRIBUTE_NAME).asText();
            int tag = tagOfName(name);
            if (tag < 0) {
                unknown.add(name.length() > 64 ? name.substring(0, 64) + "..." : name);
                continue;
            }
            Ttlv v = a.required(Tags.ATTRIBUTE_VALUE);
            known.putIfAbsent(tag, new Ttlv(tag, v.type(), v.value()));
        }
        return new Given(known, unknown);
    }

    /** The tag of a 1.x attribute name ("Cryptographic Algorithm"), -1 if unknown here. */
    static int tagOfName(String name) {
        if (name.length() > 128 || name.startsWith("0x")) {
            return -1;
        }
        return Tags.code(name.replace(" ", "").replace("-", ""));
    }
}
