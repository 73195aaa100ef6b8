package keyward.kmip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import keyward.core.Activation;
import keyward.core.Core;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.Permission;

/**
 * How Keyward keys look as KMIP managed objects (docs/kmip.md, "The object model"): the one place
 * that maps Unique Identifiers to keys, object types and algorithms, KMIP states and attributes.
 *
 * <p>A key of an asymmetric algorithm is a key pair: its Private Key is the object whose Unique
 * Identifier is the Keyward key id, its Public Key the object {@code <id>-pub}. AES and HMAC keys
 * are Symmetric Keys, {@code secret} keys Secret Data or Opaque Objects. KMIP-only facts live in
 * the key's Keyward attributes ({@code kmip_...}), so they are stored, replicated and backed up
 * with the key. Stateless.
 */
final class KeyObjects {
    /** Set to {@value #PRE_ACTIVE} by KMIP Create, CreateKeyPair and Register; Activate removes it. */
    static final String STATE_ATTRIBUTE = Activation.STATE_ATTRIBUTE;
    static final String PRE_ACTIVE = Activation.PRE_ACTIVE;
    /** As {@link #STATE_ATTRIBUTE}, for the Public Key of a key pair. */
    static final String PUBLIC_STATE_ATTRIBUTE = "kmip_public_state";
    /** The Cryptographic Usage Mask given at Create, in decimal. */
    static final String USAGE_ATTRIBUTE = "kmip_usage_mask";
    static final String PUBLIC_USAGE_ATTRIBUTE = "kmip_public_usage_mask";
    /** The Name of a pair's Public Key (the key's Keyward name is its Private Key's Name). */
    static final String PUBLIC_NAME_ATTRIBUTE = "kmip_public_name";
    /** A KMIP Name that is no valid Keyward name ("Secret Data", with a space) is kept here. */
    static final String NAME_ATTRIBUTE = "kmip_name";
    /** Set on a key registered as a Public Key alone: it has no Private Key object. */
    static final String PUBLIC_ONLY = "public";
    /** The Compromise Occurrence Date given at Revoke, seconds since the epoch. */
    static final String COMPROMISE_ATTRIBUTE = "kmip_compromise_occurrence_date";
    /** {@code opaque} for an Opaque Object kept in a {@code secret} key; else it is Secret Data. */
    static final String TYPE_ATTRIBUTE = "kmip_object_type";
    static final String OPAQUE = "opaque";
    /** The Secret Data Type (Password 1, Seed 2) or Opaque Data Type, in decimal. */
    static final String DATA_TYPE_ATTRIBUTE = "kmip_data_type";
    /** ReKey's links: the id of the key that replaced this one, and of the one it replaced. */
    static final String REPLACEMENT_ATTRIBUTE = "kmip_replacement";
    static final String REPLACED_ATTRIBUTE = "kmip_replaced";
    static final int DEFAULT_USAGE = Enums.USAGE_ENCRYPT | Enums.USAGE_DECRYPT;
    static final String PUBLIC_SUFFIX = "-pub";

    private KeyObjects() {
    }

    // ---- Unique Identifiers ----

    /** What a Unique Identifier names: a Keyward key id, and whether it is the key's public half. */
    record Ref(String keyId, boolean publicHalf) {
    }

    /**
     * The key a Unique Identifier names ({@code <id>} or {@code <id>-pub}); empty when no object can
     * have that identifier. This is the helper every operation resolves identifiers through.
     */
    static Optional<Ref> parseUid(String uid) {
        boolean pub = uid.endsWith(PUBLIC_SUFFIX);
        String id = pub ? uid.substring(0, uid.length() - PUBLIC_SUFFIX.length()) : uid;
        if (!Names.isUuid(id)) {
            return Optional.empty();
        }
        return Optional.of(new Ref(id.toLowerCase(Locale.ROOT), pub));
    }

    /** One managed object: a key, or (for a key pair) its public half. */
    record Obj(KeyRecord key, boolean publicHalf) {
        String uid() {
            return publicHalf ? key.id() + PUBLIC_SUFFIX : key.id();
        }

        int type() {
            return objectType(key, publicHalf);
        }
    }

    /**
     * The object {@code uid} names, if the caller may do {@code right} with it: Item Not Found when
     * there is no such object or the caller may not see it (as REST's 404), else Permission Denied;
     * an object of a kind KMIP does not serve is Feature Not Supported.
     */
    static Obj resolve(Core core, Principal p, String uid, Permission right) {
        Ref ref = parseUid(uid).orElseThrow(() -> new KmipException(Reason.ITEM_NOT_FOUND,
                "no object has the Unique Identifier given"));
        KeyRecord k = core.keys().getFor(p, ref.keyId(), right);
        Obj o = new Obj(k, ref.publicHalf());
        if (ref.publicHalf() && !asymmetric(k)) {
            throw new KmipException(Reason.ITEM_NOT_FOUND, "no object has the Unique Identifier given");
        }
        objectType(k, ref.publicHalf()); // Feature Not Supported for keys KMIP does not serve
        return o;
    }

    // ---- object types and algorithms ----

    /** True for a key registered as a Public Key alone. */
    static boolean publicOnly(KeyRecord k) {
        return PUBLIC_ONLY.equals(k.attributes().get(TYPE_ATTRIBUTE));
    }

    static boolean asymmetric(KeyRecord k) {
        return k.algorithm().startsWith("rsa-") || k.algorithm().startsWith("ec-") || k.algorithm().equals("ed25519");
    }

    /** The KMIP Object Type of a key (or its public half); Feature Not Supported for ChaCha20 keys. */
    static int objectType(KeyRecord k, boolean publicHalf) {
        if (asymmetric(k)) {
            if (!publicHalf && PUBLIC_ONLY.equals(k.attributes().get(TYPE_ATTRIBUTE))) {
                throw new KmipException(Reason.ITEM_NOT_FOUND, "object " + k.id() + " was registered as a Public Key;"
                        + " its Unique Identifier is " + k.id() + PUBLIC_SUFFIX);
            }
            return publicHalf ? Enums.PUBLIC_KEY : Enums.PRIVATE_KEY;
        }
        if (k.algorithm().equals("secret")) {
            return OPAQUE.equals(k.attributes().get(TYPE_ATTRIBUTE)) ? Enums.OPAQUE_OBJECT : Enums.SECRET_DATA;
        }
        if (aesBits(k) > 0 || k.algorithm().startsWith("hmac-")) {
            return Enums.SYMMETRIC_KEY;
        }
        throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "object " + k.id() + " is a Keyward " + k.algorithm()
                + " key, which KMIP does not serve");
    }

    /** True if KMIP serves the key (Locate skips the others). */
    static boolean served(KeyRecord k) {
        return asymmetric(k) || aesBits(k) > 0 || k.algorithm().startsWith("hmac-") || k.algorithm().equals("secret");
    }

    /** The AES key length in bits, or 0 when the key is no AES key. */
    static int aesBits(KeyRecord k) {
        return switch (k.algorithm()) {
            case "aes-128-gcm" -> 128;
            case "aes-192-gcm" -> 192;
            case "aes-256-gcm" -> 256;
            default -> 0;
        };
    }

    /** The AES key length, or Feature Not Supported naming the key's algorithm. */
    static int requireAes(KeyRecord k) {
        int bits = aesBits(k);
        if (bits == 0) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "object " + k.id() + " is a Keyward " + k.algorithm()
                    + " key; this operation works on AES keys");
        }
        return bits;
    }

    /** The KMIP Cryptographic Algorithm of a key, 0 for secret data and opaque objects. */
    static int kmipAlgorithm(KeyRecord k) {
        String a = k.algorithm();
        if (a.startsWith("aes-")) {
            return Enums.AES;
        }
        return switch (a) {
            case "hmac-sha256" -> Enums.HMAC_SHA256;
            case "hmac-sha384" -> Enums.HMAC_SHA384;
            case "hmac-sha512" -> Enums.HMAC_SHA512;
            case "rsa-2048", "rsa-3072", "rsa-4096" -> Enums.RSA;
            case "ec-p256", "ec-p384", "ec-p521" -> Enums.EC;
            case "ed25519" -> Enums.ED25519;
            default -> 0;
        };
    }

    /** The KMIP Cryptographic Length in bits, 0 for secret data and opaque objects. */
    static int bits(KeyRecord k) {
        return switch (k.algorithm()) {
            case "aes-128-gcm" -> 128;
            case "aes-192-gcm" -> 192;
            case "aes-256-gcm", "hmac-sha256", "ed25519", "ec-p256" -> 256;
            case "hmac-sha384", "ec-p384" -> 384;
            case "hmac-sha512" -> 512;
            case "ec-p521" -> 521;
            case "rsa-2048" -> 2048;
            case "rsa-3072" -> 3072;
            case "rsa-4096" -> 4096;
            default -> 0;
        };
    }

    /** The Recommended Curve of an EC key, 0 for others. */
    static int curve(KeyRecord k) {
        return switch (k.algorithm()) {
            case "ec-p256" -> Enums.P_256;
            case "ec-p384" -> Enums.P_384;
            case "ec-p521" -> Enums.P_521;
            default -> 0;
        };
    }

    // ---- states ----

    /**
     * The KMIP state of a key at {@code now} (docs/kmip.md has the table). A key pair's halves share
     * the Keyward state; each has its own Pre-Active mark, and one Activation Date serves both.
     */
    static int state(KeyRecord k, boolean publicHalf, Instant now) {
        return switch (k.state()) {
            case ACTIVE -> preActive(k, publicHalf, now) ? Enums.PRE_ACTIVE : Enums.ACTIVE;
            case DEACTIVATED -> Enums.DEACTIVATED;
            case COMPROMISED -> Enums.COMPROMISED;
            case PENDING_DESTRUCTION -> k.stateBeforeDestroy() == KeyState.COMPROMISED
                    ? Enums.DESTROYED_COMPROMISED : Enums.DESTROYED;
            case DESTROYED -> Enums.DESTROYED;
        };
    }

    static int state(Obj o, Instant now) {
        return state(o.key(), o.publicHalf(), now);
    }

    /**
     * The state of the key (its private half, for a pair) by the server's wall clock. For checks that
     * the core repeats with its own clock before it uses the key; elsewhere pass the clock's time.
     */
    static int state(KeyRecord k) {
        return state(k, false, Instant.now());
    }

    private static boolean preActive(KeyRecord k, boolean publicHalf, Instant now) {
        if (!publicHalf) {
            return Activation.preActive(k, now);
        }
        return k.state() == KeyState.ACTIVE && PRE_ACTIVE.equals(k.attributes().get(PUBLIC_STATE_ATTRIBUTE))
                && Activation.date(k).map(d -> d.isAfter(now)).orElse(true);
    }

    /** The attribute that marks this half Pre-Active. */
    static String stateAttribute(boolean publicHalf) {
        return publicHalf ? PUBLIC_STATE_ATTRIBUTE : STATE_ATTRIBUTE;
    }

    // ---- usage masks ----

    static int usageMask(KeyRecord k) {
        return usageMask(k, false);
    }

    static int usageMask(KeyRecord k, boolean publicHalf) {
        String v = k.attributes().get(publicHalf ? PUBLIC_USAGE_ATTRIBUTE : USAGE_ATTRIBUTE);
        if (v != null) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                // edited over REST into something else: the default applies
            }
        }
        return defaultUsage(k.algorithm(), publicHalf);
    }

    static int usageMask(Obj o) {
        return usageMask(o.key(), o.publicHalf());
    }

    /** What a key of {@code algorithm} may do when no mask was given: all that Keyward offers for it. */
    static int defaultUsage(String algorithm, boolean publicHalf) {
        if (algorithm.startsWith("hmac-")) {
            return Enums.USAGE_MAC_GENERATE | Enums.USAGE_MAC_VERIFY;
        }
        if (algorithm.startsWith("rsa-")) {
            return publicHalf ? Enums.USAGE_VERIFY | Enums.USAGE_ENCRYPT : Enums.USAGE_SIGN | Enums.USAGE_DECRYPT;
        }
        if (algorithm.startsWith("ec-") || algorithm.equals("ed25519")) {
            return publicHalf ? Enums.USAGE_VERIFY : Enums.USAGE_SIGN;
        }
        if (algorithm.equals("secret")) {
            return 0;
        }
        return DEFAULT_USAGE;
    }

    /** The Keyward attributes of a new key made by KMIP Create (Pre-Active, with its usage mask). */
    static Map<String, String> createAttributes(int usageMask) {
        Map<String, String> a = new HashMap<>();
        a.put(STATE_ATTRIBUTE, PRE_ACTIVE);
        a.put(USAGE_ATTRIBUTE, Integer.toString(usageMask));
        return a;
    }

    // ---- attributes ----

    /**
     * The object's attributes by tag, values carrying their attribute's tag; multi-valued ones
     * (Object Group, Link) hold the first value here, see {@link #all}. {@code extra} adds the ones
     * only given when asked for by name: Extractable, Sensitive (KMIP 1.4 and later) and Link
     * and Cryptographic Domain Parameters (which PyKMIP 0.10 cannot decode, so they are not in an
     * answer that lists everything).
     */
    static Map<Integer, Ttlv> attributes(KeyRecord k, boolean extra) {
        Map<Integer, Ttlv> out = new LinkedHashMap<>();
        for (Ttlv t : all(new Obj(k, false), extra, Instant.now())) {
            out.putIfAbsent(t.tag(), t);
        }
        return out;
    }

    /** Every attribute of the object at {@code now}, in the 2.x form (vendor attributes as Attribute structures). */
    static List<Ttlv> all(Obj o, boolean extra, Instant now) {
        KeyRecord k = o.key();
        List<Ttlv> out = new ArrayList<>();
        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()));
        out.add(Ttlv.enumeration(Tags.OBJECT_TYPE, o.type()));
        int alg = kmipAlgorithm(k);
        if (alg != 0) {
            out.add(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, alg));
            out.add(Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, bits(k)));
        }
        int mask = usageMask(o);
        if (mask != 0 || k.attributes().containsKey(o.publicHalf() ? PUBLIC_USAGE_ATTRIBUTE : USAGE_ATTRIBUTE)) {
            out.add(Ttlv.integer(Tags.CRYPTOGRAPHIC_USAGE_MASK, mask));
        }
        out.add(Ttlv.enumeration(Tags.STATE, state(o, now)));
        String name = nameOf(o);
        if (name != null) {
            out.add(name(Tags.NAME, name));
        }
        out.add(Ttlv.dateTime(Tags.INITIAL_DATE, k.createdAt().getEpochSecond()));
        Activation.date(k).ifPresent(d -> out.add(Ttlv.dateTime(Tags.ACTIVATION_DATE, d.getEpochSecond())));
        Optional.ofNullable(k.attributes().get(COMPROMISE_ATTRIBUTE)).map(KeyObjects::seconds).ifPresent(
                d -> out.add(Ttlv.dateTime(Tags.COMPROMISE_OCCURRENCE_DATE, d)));
        out.add(Ttlv.dateTime(Tags.LAST_CHANGE_DATE, k.updatedAt().getEpochSecond()));
        for (String group : k.tags()) {
            out.add(Ttlv.text(Tags.OBJECT_GROUP, group));
        }
        if (extra) {
            boolean material = !o.publicHalf();
            out.add(Ttlv.bool(Tags.EXTRACTABLE, !material || k.exportable()));
            out.add(Ttlv.bool(Tags.SENSITIVE, material && !k.exportable()));
            out.addAll(links(o));
            if (curve(k) != 0) {
                out.add(Ttlv.structure(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                        List.of(Ttlv.enumeration(Tags.RECOMMENDED_CURVE, curve(k)))));
            }
        }
        out.addAll(CustomAttributes.of(k));
        return out;
    }

    /**
     * The object's Name: the key's Keyward name, or {@link #NAME_ATTRIBUTE} when the KMIP name is
     * not a valid Keyward name; a pair's Public Key has its own ({@link #PUBLIC_NAME_ATTRIBUTE}).
     */
    static String nameOf(Obj o) {
        KeyRecord k = o.key();
        if (o.publicHalf() && !publicOnly(k)) {
            return k.attributes().get(PUBLIC_NAME_ATTRIBUTE);
        }
        return k.name() != null ? k.name() : k.attributes().get(NAME_ATTRIBUTE);
    }

    /** The Link attributes: a pair's halves name each other; ReKey links old and new. */
    static List<Ttlv> links(Obj o) {
        KeyRecord k = o.key();
        List<Ttlv> out = new ArrayList<>();
        if (asymmetric(k)) {
            out.add(link(o.publicHalf() ? Enums.PRIVATE_KEY_LINK : Enums.PUBLIC_KEY_LINK,
                    o.publicHalf() ? k.id() : k.id() + PUBLIC_SUFFIX));
        }
        String suffix = o.publicHalf() ? PUBLIC_SUFFIX : "";
        Optional.ofNullable(k.attributes().get(REPLACEMENT_ATTRIBUTE))
                .ifPresent(id -> out.add(link(Enums.REPLACEMENT_OBJECT_LINK, id + suffix)));
        Optional.ofNullable(k.attributes().get(REPLACED_ATTRIBUTE))
                .ifPresent(id -> out.add(link(Enums.REPLACED_OBJECT_LINK, id + suffix)));
        return out;
    }

    static Ttlv link(int type, String uid) {
        return Ttlv.structure(Tags.LINK, List.of(Ttlv.enumeration(Tags.LINK_TYPE, type),
                Ttlv.text(Tags.LINKED_OBJECT_IDENTIFIER, uid)));
    }

    private static Long seconds(String decimal) {
        try {
            return Long.parseLong(decimal);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int dataType(KeyRecord k, int fallback) {
        try {
            return Integer.parseUnsignedInt(k.attributes().getOrDefault(DATA_TYPE_ATTRIBUTE,
                    Integer.toUnsignedString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static Ttlv name(int tag, String name) {
        return Ttlv.structure(tag, List.of(Ttlv.text(Tags.NAME_VALUE, name),
                Ttlv.enumeration(Tags.NAME_TYPE, Enums.UNINTERPRETED_TEXT_STRING)));
    }

    /**
     * KMIP 1.x: one Attribute structure (name with spaces, value under the Attribute Value tag). A
     * 2.x vendor attribute becomes the 1.x custom attribute of its name.
     */
    static Ttlv v1Attribute(Ttlv value) {
        if (value.tag() == Tags.ATTRIBUTE) {
            return CustomAttributes.toV1(value);
        }
        Ttlv retagged = new Ttlv(Tags.ATTRIBUTE_VALUE, value.type(), value.value());
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.ATTRIBUTE_NAME, v1Name(value.tag())), retagged));
    }

    /** The 1.x name of an attribute's tag: "Cryptographic Usage Mask". */
    static String v1Name(int tag) {
        return spaced(Tags.name(tag));
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

    /**
     * The attributes a request carries: by tag (the first value of each), every value in order
     * (multi-valued ones such as Object Group), custom ones by their Keyward attribute name, and the
     * names of those this table does not know.
     */
    record Given(Map<Integer, Ttlv> known, List<String> unknown, List<Ttlv> values, Map<String, String> custom) {
        Given(Map<Integer, Ttlv> known, List<String> unknown) {
            this(known, unknown, List.copyOf(known.values()), Map.of());
        }

        List<Ttlv> all(int tag) {
            return values.stream().filter(t -> t.tag() == tag).toList();
        }
    }

    /**
     * The attributes of a payload: KMIP 2.x's Attributes structure, or 1.x's Attribute structures
     * (inside a Template-Attribute or directly in the payload). Custom attributes (1.x {@code x-}
     * names, 2.x Vendor Attributes) come out under their Keyward names.
     */
    static Given given(Ttlv payload) {
        return given(payload, Tags.ATTRIBUTES, Tags.TEMPLATE_ATTRIBUTE);
    }

    /** As {@link #given(Ttlv)} with the 2.x and 1.x container tags of a part (CreateKeyPair's Common ...). */
    static Given given(Ttlv payload, int v2Tag, int v1Tag) {
        Map<Integer, Ttlv> known = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        List<Ttlv> values = new ArrayList<>();
        Map<String, String> custom = new LinkedHashMap<>();
        payload.first(v2Tag).ifPresent(a -> a.items().forEach(t -> {
            if (t.tag() == Tags.ATTRIBUTE) {
                CustomAttributes.Entry e = CustomAttributes.fromV2(t);
                custom.put(e.name(), e.value());
            } else {
                known.putIfAbsent(t.tag(), t);
                values.add(t);
            }
        }));
        List<Ttlv> v1 = new ArrayList<>(v2Tag == Tags.ATTRIBUTES ? payload.all(Tags.ATTRIBUTE) : List.of());
        payload.first(v1Tag).ifPresent(t -> v1.addAll(t.all(Tags.ATTRIBUTE)));
        for (Ttlv a : v1) {
            String name = a.required(Tags.ATTRIBUTE_NAME).asText();
            if (CustomAttributes.isV1Custom(name)) {
                custom.put(CustomAttributes.keywardName(name), CustomAttributes.text(a.required(Tags.ATTRIBUTE_VALUE), name));
                continue;
            }
            int tag = tagOfName(name);
            if (tag < 0) {
                unknown.add(name.length() > 64 ? name.substring(0, 64) + "..." : name);
                continue;
            }
            Ttlv v = a.required(Tags.ATTRIBUTE_VALUE);
            Ttlv t = new Ttlv(tag, v.type(), v.value());
            known.putIfAbsent(tag, t);
            values.add(t);
        }
        return new Given(known, unknown, values, custom);
    }

    /** The tag of a 1.x attribute name ("Cryptographic Algorithm"), -1 if unknown here. */
    static int tagOfName(String name) {
        if (name.length() > 128 || name.startsWith("0x")) {
            return -1;
        }
        return Tags.code(name.replace(" ", "").replace("-", ""));
    }
}
