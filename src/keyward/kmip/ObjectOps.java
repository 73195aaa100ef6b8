package keyward.kmip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import keyward.core.Activation;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.crypto.KeyFormats;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * The KMIP operations on managed objects and their lifecycle: Create, CreateKeyPair, Register,
 * Get, Activate, Revoke, Destroy, ReKey, ReKeyKeyPair and Check (Locate: {@link Locator}), each on Keyward's core
 * services (owners, grants, states, audit as over REST). The object model is {@link KeyObjects}'s.
 * Thread-safe.
 */
final class ObjectOps {
    private final Core core;

    ObjectOps(Core core) {
        this.core = core;
    }

    private Instant now() {
        return core.clock().now();
    }

    /** The object the payload's Unique Identifier (or the batch's ID Placeholder) names. */
    KeyObjects.Obj object(Principal p, Ttlv payload, Operations.Batch b, int uidTag, Permission right) {
        String uid = payload.first(uidTag).map(Ttlv::asText).orElse(b.placeholder);
        if (uid == null) {
            throw new KmipException(Reason.INVALID_FIELD, Tags.name(uidTag) + " is missing and no earlier item of the"
                    + " batch made an object");
        }
        KeyObjects.parseUid(uid).ifPresent(r -> b.auditKey = r.keyId());
        KeyObjects.Obj o = KeyObjects.resolve(core, p, uid, right);
        b.auditKey = o.key().id();
        return o;
    }

    KeyObjects.Obj object(Principal p, Ttlv payload, Operations.Batch b, Permission right) {
        return object(p, payload, b, Tags.UNIQUE_IDENTIFIER, right);
    }

    // ---- Create, CreateKeyPair, Register ----

    List<Ttlv> create(Principal p, Ttlv payload, Operations.Batch b) {
        int type = payload.required(Tags.OBJECT_TYPE).asInt();
        if (type != Enums.SYMMETRIC_KEY) {
            throw new KmipException(Reason.INVALID_FIELD, "Create makes Symmetric Keys; object type "
                    + Enums.name(Tags.OBJECT_TYPE, type) + " is made by CreateKeyPair (key pairs) or stored by Register");
        }
        KeyObjects.Given given = KeyObjects.given(payload);
        String algorithm = symmetricAlgorithm(given.known(), 0);
        NewObjects.Spec s = NewObjects.of(given, algorithm);
        KeyRecord k = core.keys().create(p, new KeyRequests.Create(s.name(), algorithm, s.groups(), s.attributes(),
                s.exportable(), 0));
        b.placeholder = k.id();
        b.auditKey = k.id();
        return List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY), Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
    }

    /**
     * The Keyward algorithm of a symmetric key: AES-128/192/256 or HMAC-SHA256/384/512. {@code
     * materialBytes} (Register) gives the length when the attributes do not.
     */
    static String symmetricAlgorithm(Map<Integer, Ttlv> a, int materialBytes) {
        int alg = required(a, Tags.CRYPTOGRAPHIC_ALGORITHM).asInt();
        Integer bits = a.containsKey(Tags.CRYPTOGRAPHIC_LENGTH) ? a.get(Tags.CRYPTOGRAPHIC_LENGTH).asInt()
                : materialBytes > 0 ? materialBytes * 8 : null;
        switch (alg) {
            case Enums.AES: {
                if (bits == null) {
                    throw new KmipException(Reason.INVALID_FIELD, "attribute Cryptographic Length is missing");
                }
                return switch (bits) {
                    case 128 -> "aes-128-gcm";
                    case 192 -> "aes-192-gcm";
                    case 256 -> "aes-256-gcm";
                    default -> throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Length " + bits
                            + " is not served for AES; use 128, 192 or 256");
                };
            }
            case Enums.HMAC_SHA256:
            case Enums.HMAC_SHA384:
            case Enums.HMAC_SHA512: {
                String id = alg == Enums.HMAC_SHA256 ? "hmac-sha256" : alg == Enums.HMAC_SHA384 ? "hmac-sha384" : "hmac-sha512";
                int hashBits = alg == Enums.HMAC_SHA256 ? 256 : alg == Enums.HMAC_SHA384 ? 384 : 512;
                if (materialBytes == 0 && bits != null && bits != hashBits) {
                    throw new KmipException(Reason.INVALID_FIELD, "Keyward makes " + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM,
                            alg) + " keys of " + hashBits + " bits; give that Cryptographic Length or none");
                }
                return id;
            }
            default:
                throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                        + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg) + " is not served for symmetric keys; use AES,"
                        + " HMACSHA256, HMACSHA384 or HMACSHA512");
        }
    }

    List<Ttlv> createKeyPair(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Given common = KeyObjects.given(payload, Tags.COMMON_ATTRIBUTES, Tags.COMMON_TEMPLATE_ATTRIBUTE);
        KeyObjects.Given priv = KeyObjects.given(payload, Tags.PRIVATE_KEY_ATTRIBUTES, Tags.PRIVATE_KEY_TEMPLATE_ATTRIBUTE);
        KeyObjects.Given pub = KeyObjects.given(payload, Tags.PUBLIC_KEY_ATTRIBUTES, Tags.PUBLIC_KEY_TEMPLATE_ATTRIBUTE);
        Map<Integer, Ttlv> a = new HashMap<>(common.known());
        a.putAll(priv.known());
        String algorithm = asymmetricAlgorithm(a);
        NewObjects.Spec s = NewObjects.of(common, priv, pub, algorithm);
        KeyRecord k = core.keys().create(p, new KeyRequests.Create(s.name(), algorithm, s.groups(), s.attributes(),
                s.exportable(), 0));
        b.placeholder = k.id();
        b.auditKey = k.id();
        return List.of(Ttlv.text(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, k.id()),
                Ttlv.text(Tags.PUBLIC_KEY_UNIQUE_IDENTIFIER, k.id() + KeyObjects.PUBLIC_SUFFIX));
    }

    /** The Keyward algorithm of a key pair: RSA 2048/3072/4096, EC (or ECDSA) P-256/384/521, Ed25519. */
    static String asymmetricAlgorithm(Map<Integer, Ttlv> a) {
        int alg = required(a, Tags.CRYPTOGRAPHIC_ALGORITHM).asInt();
        Integer bits = a.containsKey(Tags.CRYPTOGRAPHIC_LENGTH) ? a.get(Tags.CRYPTOGRAPHIC_LENGTH).asInt() : null;
        switch (alg) {
            case Enums.RSA:
                if (bits == null || (bits != 2048 && bits != 3072 && bits != 4096)) {
                    throw new KmipException(Reason.INVALID_FIELD, "RSA keys need a Cryptographic Length of 2048, 3072"
                            + " or 4096");
                }
                return "rsa-" + bits;
            case Enums.EC:
            case Enums.ECDSA: {
                Integer curve = a.containsKey(Tags.RECOMMENDED_CURVE) ? Integer.valueOf(a.get(Tags.RECOMMENDED_CURVE).asInt())
                        : a.containsKey(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS)
                        ? a.get(Tags.CRYPTOGRAPHIC_DOMAIN_PARAMETERS).first(Tags.RECOMMENDED_CURVE).map(Ttlv::asInt).orElse(null)
                        : null;
                int size = curve == null ? (bits == null ? 0 : bits) : curve == Enums.P_256 ? 256
                        : curve == Enums.P_384 ? 384 : curve == Enums.P_521 ? 521 : -1;
                if (size != 256 && size != 384 && size != 521) {
                    throw new KmipException(Reason.INVALID_FIELD, "EC keys need the curve P-256, P-384 or P-521"
                            + " (Recommended Curve, or Cryptographic Length 256, 384 or 521)");
                }
                return "ec-p" + size;
            }
            case Enums.ED25519:
                return "ed25519";
            default:
                throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                        + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg) + " is not served for key pairs; use RSA, EC,"
                        + " ECDSA or Ed25519");
        }
    }

    List<Ttlv> register(Principal p, Ttlv payload, Operations.Batch b) {
        int type = payload.required(Tags.OBJECT_TYPE).asInt();
        KeyObjects.Given given = KeyObjects.given(payload);
        Map<Integer, Ttlv> a = new HashMap<>(given.known());
        String algorithm;
        byte[] material;
        Map<String, String> extra = new HashMap<>();
        boolean publicOnly = false;
        switch (type) {
            case Enums.SYMMETRIC_KEY -> {
                Ttlv block = keyBlock(payload, Tags.SYMMETRIC_KEY);
                requireFormat(block, Enums.RAW, Enums.RAW);
                material = keyMaterial(block);
                blockAttributes(block, a);
                algorithm = symmetricAlgorithm(a, material.length);
            }
            case Enums.PRIVATE_KEY, Enums.PUBLIC_KEY -> {
                boolean priv = type == Enums.PRIVATE_KEY;
                Ttlv block = keyBlock(payload, priv ? Tags.PRIVATE_KEY : Tags.PUBLIC_KEY);
                int format = requireFormat(block, priv ? Enums.PKCS8 : Enums.X509, Enums.PKCS1);
                blockAttributes(block, a);
                algorithm = asymmetricAlgorithm(a);
                material = keyMaterial(block);
                if (format == Enums.PKCS1) {
                    if (!algorithm.startsWith("rsa-")) {
                        throw new KmipException(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "PKCS#1 is a format of RSA keys only");
                    }
                    material = priv ? KeyFormats.rsaPrivatePkcs8(material) : KeyFormats.rsaPublicSpki(material);
                }
                if (!priv) {
                    publicOnly = true;
                    extra.put(KeyObjects.TYPE_ATTRIBUTE, KeyObjects.PUBLIC_ONLY);
                }
            }
            case Enums.SECRET_DATA -> {
                Ttlv secret = payload.required(Tags.SECRET_DATA);
                Ttlv block = secret.required(Tags.KEY_BLOCK);
                requireFormat(block, Enums.OPAQUE, Enums.RAW);
                material = keyMaterial(block);
                algorithm = "secret";
                extra.put(KeyObjects.DATA_TYPE_ATTRIBUTE, Integer.toUnsignedString(secret.required(Tags.SECRET_DATA_TYPE).asInt()));
            }
            case Enums.OPAQUE_OBJECT -> {
                Ttlv opaque = payload.required(Tags.OPAQUE_OBJECT);
                material = opaque.required(Tags.OPAQUE_DATA_VALUE).asBytes();
                algorithm = "secret";
                extra.put(KeyObjects.TYPE_ATTRIBUTE, KeyObjects.OPAQUE);
                extra.put(KeyObjects.DATA_TYPE_ATTRIBUTE, Integer.toUnsignedString(opaque.required(Tags.OPAQUE_DATA_TYPE).asInt()));
            }
            default -> throw new KmipException(Reason.INVALID_FIELD, "Register stores Symmetric Keys, Private Keys,"
                    + " Public Keys, Secret Data and Opaque Objects; not " + Enums.name(Tags.OBJECT_TYPE, type));
        }
        if ("secret".equals(algorithm) && material.length > MAX_SECRET) {
            throw new KmipException(Reason.INVALID_FIELD, "an object of " + material.length + " bytes is larger than"
                    + " Keyward stores (" + MAX_SECRET + " bytes)");
        }
        KeyObjects.Given withBlock = new KeyObjects.Given(a, given.unknown(), given.values(), given.custom());
        NewObjects.Spec s = publicOnly
                ? NewObjects.of(new KeyObjects.Given(Map.of(), List.of()), new KeyObjects.Given(Map.of(), List.of()),
                withBlock, algorithm)
                : NewObjects.of(withBlock, algorithm);
        Map<String, String> attributes = new HashMap<>(s.attributes());
        attributes.putAll(extra);
        if ("secret".equals(algorithm)) {
            attributes.remove(KeyObjects.USAGE_ATTRIBUTE);
            if (a.containsKey(Tags.CRYPTOGRAPHIC_USAGE_MASK)) {
                attributes.put(KeyObjects.USAGE_ATTRIBUTE, Integer.toString(a.get(Tags.CRYPTOGRAPHIC_USAGE_MASK).asInt()));
            }
        }
        String name = s.name();
        if (publicOnly) {
            // a Public Key alone: its Name is the Keyward key's name
            name = attributes.remove(KeyObjects.PUBLIC_NAME_ATTRIBUTE);
            if (name != null && !Names.validName(name)) {
                attributes.put(KeyObjects.NAME_ATTRIBUTE, name);
                name = null;
            }
        }
        KeyRecord k;
        try {
            k = core.keys().importKey(p, new KeyRequests.Import(name, algorithm, material, null, s.groups(),
                    attributes, s.exportable()));
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
        String uid = publicOnly ? k.id() + KeyObjects.PUBLIC_SUFFIX : k.id();
        b.placeholder = uid;
        b.auditKey = k.id();
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, uid));
    }

    /** The largest Secret Data or Opaque Object (the size Keyward's {@code secret} keys hold). */
    static final int MAX_SECRET = 65536;

    private static Ttlv keyBlock(Ttlv payload, int objectTag) {
        return payload.required(objectTag).required(Tags.KEY_BLOCK);
    }

    /** The Key Format Type of a block: {@code preferred} or {@code other}, else Key Format Type Not Supported. */
    private static int requireFormat(Ttlv block, int preferred, int other) {
        int format = block.required(Tags.KEY_FORMAT_TYPE).asInt();
        if (format != preferred && format != other) {
            throw new KmipException(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "Key Format Type "
                    + Enums.name(Tags.KEY_FORMAT_TYPE, format) + " is not served here; use "
                    + Enums.name(Tags.KEY_FORMAT_TYPE, preferred)
                    + (other != preferred ? " or " + Enums.name(Tags.KEY_FORMAT_TYPE, other) : ""));
        }
        return format;
    }

    private static byte[] keyMaterial(Ttlv block) {
        if (block.first(Tags.KEY_WRAPPING_DATA).isPresent()) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "registering wrapped key material is not served");
        }
        Ttlv value = block.required(Tags.KEY_VALUE);
        if (value.type() != Ttlv.Type.STRUCTURE) {
            throw new KmipException(Reason.INVALID_FIELD, "Key Value must be a structure holding Key Material");
        }
        Ttlv material = value.required(Tags.KEY_MATERIAL);
        if (material.type() != Ttlv.Type.BYTE_STRING) {
            throw new KmipException(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "Key Material must be a byte string"
                    + " (transparent key structures are not served)");
        }
        return material.asBytes().clone();
    }

    /** The key block's algorithm and length count as attributes when the template has none. */
    private static void blockAttributes(Ttlv block, Map<Integer, Ttlv> a) {
        block.first(Tags.CRYPTOGRAPHIC_ALGORITHM).ifPresent(t -> a.putIfAbsent(Tags.CRYPTOGRAPHIC_ALGORITHM, t));
        block.first(Tags.CRYPTOGRAPHIC_LENGTH).ifPresent(t -> a.putIfAbsent(Tags.CRYPTOGRAPHIC_LENGTH, t));
    }

    // ---- Get ----

    List<Ttlv> get(Principal p, Ttlv payload, Operations.Batch b) {
        if (payload.first(Tags.KEY_WRAPPING_SPECIFICATION).isPresent()) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Get with key wrapping is not served yet");
        }
        String uid = payload.first(Tags.UNIQUE_IDENTIFIER).map(Ttlv::asText).orElse(b.placeholder);
        boolean pub = uid != null && KeyObjects.parseUid(uid).map(KeyObjects.Ref::publicHalf).orElse(false);
        // a public key is always there to be read; anything else is material that needs "export"
        KeyObjects.Obj o = object(p, payload, b, pub ? Permission.GET : Permission.EXPORT);
        KeyRecord k = o.key();
        int type = o.type();
        Integer asked = payload.first(Tags.KEY_FORMAT_TYPE).map(Ttlv::asInt).orElse(null);
        int st = KeyObjects.state(o, now());
        if (st == Enums.DESTROYED || st == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(k, st, "its material is gone or going");
        }
        if (type == Enums.PUBLIC_KEY) {
            byte[] spki = k.primary().publicKey();
            int format = format(asked, Enums.X509, k.algorithm().startsWith("rsa-") ? Enums.PKCS1 : Enums.X509);
            byte[] bytes = format == Enums.PKCS1 ? KeyFormats.rsaPublicPkcs1(spki) : spki.clone();
            return answer(o, Tags.PUBLIC_KEY, keyBlock(format, bytes, k));
        }
        if (!k.exportable()) {
            throw new KmipException(Reason.PERMISSION_DENIED, "object " + o.uid()
                    + " is not extractable (Keyward: not exportable); its material never leaves the server");
        }
        byte[] material = core.crypto().export(p, k.id(), null, null).bytes();
        if (type == Enums.PRIVATE_KEY && java.util.Arrays.equals(material, k.primary().publicKey())) {
            // a public key imported over REST: Keyward exports its public key, and there is no Private Key
            throw new KmipException(Reason.ITEM_NOT_FOUND, "object " + o.uid() + " holds only a public key; its"
                    + " Unique Identifier is " + k.id() + KeyObjects.PUBLIC_SUFFIX);
        }
        try {
            return switch (type) {
                case Enums.SYMMETRIC_KEY -> answer(o, Tags.SYMMETRIC_KEY, keyBlock(format(asked, Enums.RAW, Enums.RAW),
                        material.clone(), k));
                case Enums.PRIVATE_KEY -> {
                    int format = format(asked, Enums.PKCS8, k.algorithm().startsWith("rsa-") ? Enums.PKCS1 : Enums.PKCS8);
                    yield answer(o, Tags.PRIVATE_KEY, keyBlock(format,
                            format == Enums.PKCS1 ? KeyFormats.rsaPrivatePkcs1(material) : material.clone(), k));
                }
                case Enums.SECRET_DATA -> {
                    int format = format(asked, Enums.OPAQUE, Enums.RAW);
                    yield answer(o, Tags.SECRET_DATA, Ttlv.enumeration(Tags.SECRET_DATA_TYPE,
                            KeyObjects.dataType(k, Enums.SECRET_PASSWORD)), keyBlock(format, material.clone(), k));
                }
                default -> {
                    format(asked, Enums.OPAQUE, Enums.OPAQUE);
                    yield answer(o, Tags.OPAQUE_OBJECT, Ttlv.enumeration(Tags.OPAQUE_DATA_TYPE,
                            KeyObjects.dataType(k, 0x80000000)), Ttlv.bytes(Tags.OPAQUE_DATA_VALUE, material.clone()));
                }
            };
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    /** The Key Format Type asked for if it is {@code preferred} or {@code other} (none: preferred); else Key Format Type Not Supported. */
    static int format(Integer asked, int preferred, int other) {
        if (asked == null || asked == preferred) {
            return preferred;
        }
        if (asked == other) {
            return other;
        }
        throw new KmipException(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "Key Format Type " + Enums.name(Tags.KEY_FORMAT_TYPE,
                asked) + " is not served for this object; ask for " + Enums.name(Tags.KEY_FORMAT_TYPE, preferred)
                + (other != preferred ? " or " + Enums.name(Tags.KEY_FORMAT_TYPE, other) : ""));
    }

    private static Ttlv keyBlock(int format, byte[] bytes, KeyRecord k) {
        List<Ttlv> fields = new ArrayList<>(List.of(Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, format),
                Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, bytes)))));
        int alg = KeyObjects.kmipAlgorithm(k);
        if (alg != 0) {
            fields.add(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, alg));
            fields.add(Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, KeyObjects.bits(k)));
        }
        return Ttlv.structure(Tags.KEY_BLOCK, fields);
    }

    private static List<Ttlv> answer(KeyObjects.Obj o, int objectTag, Ttlv... fields) {
        return List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, o.type()), Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()),
                Ttlv.structure(objectTag, List.of(fields)));
    }

    // ---- Activate, Revoke, Destroy ----

    List<Ttlv> activate(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Permission.UPDATE);
        String mark = KeyObjects.stateAttribute(o.publicHalf());
        core.keys().edit(p, o.key().id(), k -> {
            int state = KeyObjects.state(k, o.publicHalf(), now());
            if (state != Enums.PRE_ACTIVE) {
                throw Operations.wrongState(k, state, "only a PreActive object can be activated");
            }
            Map<String, String> attributes = new HashMap<>(k.attributes());
            attributes.remove(mark);
            return new KeyRequests.Patch(null, null, attributes, null, null, null);
        });
        return uid(o);
    }

    List<Ttlv> revoke(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Permission.REVOKE);
        Ttlv reason = payload.required(Tags.REVOCATION_REASON);
        int code = reason.required(Tags.REVOCATION_REASON_CODE).asInt();
        boolean compromise = code == Enums.KEY_COMPROMISE || code == Enums.CA_COMPROMISE;
        int state = KeyObjects.state(o, now());
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(o.key(), state, "a destroyed object cannot be revoked");
        }
        if (compromise) {
            payload.first(Tags.COMPROMISE_OCCURRENCE_DATE).ifPresent(d -> core.keys().edit(p, o.key().id(), k -> {
                Map<String, String> attributes = new HashMap<>(k.attributes());
                attributes.put(KeyObjects.COMPROMISE_ATTRIBUTE, Long.toString(d.asLong()));
                return new KeyRequests.Patch(null, null, attributes, null, null, null);
            }));
        }
        core.keys().revoke(p, o.key().id(), compromise ? "compromised" : "retired");
        return uid(o);
    }

    List<Ttlv> destroy(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Permission.DESTROY);
        int state = KeyObjects.state(o, now());
        if (state == Enums.ACTIVE) {
            throw Operations.wrongState(o.key(), state, "revoke an Active object before destroying it");
        }
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            if (KeyObjects.asymmetric(o.key())) {
                return uid(o); // a pair is destroyed as one: the other half's Destroy finds it done
            }
            throw Operations.wrongState(o.key(), state, "it is destroyed already");
        }
        core.keys().scheduleDestroy(p, o.key().id(), core.settings().pendingDaysMin());
        return uid(o);
    }

    // ---- ReKey, ReKeyKeyPair ----

    List<Ttlv> rekey(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Permission.ROTATE);
        if (o.type() != Enums.SYMMETRIC_KEY) {
            throw new KmipException(Reason.INVALID_FIELD, "ReKey replaces Symmetric Keys; a key pair is replaced by"
                    + " ReKeyKeyPair");
        }
        KeyRecord k = replace(p, o.key(), payload, KeyObjects.given(payload));
        b.placeholder = k.id();
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
    }

    List<Ttlv> rekeyKeyPair(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, Permission.ROTATE);
        if (o.type() != Enums.PRIVATE_KEY) {
            throw new KmipException(Reason.INVALID_FIELD, "ReKeyKeyPair needs the Private Key Unique Identifier of a"
                    + " key pair");
        }
        KeyObjects.Given common = KeyObjects.given(payload, Tags.COMMON_ATTRIBUTES, Tags.COMMON_TEMPLATE_ATTRIBUTE);
        KeyRecord k = replace(p, o.key(), payload, common);
        b.placeholder = k.id();
        return List.of(Ttlv.text(Tags.PRIVATE_KEY_UNIQUE_IDENTIFIER, k.id()),
                Ttlv.text(Tags.PUBLIC_KEY_UNIQUE_IDENTIFIER, k.id() + KeyObjects.PUBLIC_SUFFIX));
    }

    /**
     * KMIP's replacement of a key: a new Keyward key of the same algorithm, with the old key's
     * groups, usage masks, custom attributes and exportable flag, linked both ways (Replacement /
     * Replaced Object), taking over the old key's name. The old key keeps its state. The new key
     * is Active when the old one is, unless an Offset (or an Activation Date) makes it Pre-Active.
     */
    private KeyRecord replace(Principal p, KeyRecord old, Ttlv payload, KeyObjects.Given given) {
        Instant now = now();
        int state = KeyObjects.state(old, false, now);
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(old, state, "a destroyed object cannot be replaced");
        }
        core.keys().getFor(p, old.id(), Permission.UPDATE); // the name and the link are written on it
        Map<String, String> attributes = new HashMap<>();
        old.attributes().forEach((n, v) -> {
            if (CustomAttributes.isCustom(n) || n.equals(KeyObjects.USAGE_ATTRIBUTE) || n.equals(KeyObjects.PUBLIC_USAGE_ATTRIBUTE)
                    || n.equals(KeyObjects.PUBLIC_NAME_ATTRIBUTE)) {
                attributes.put(n, v);
            }
        });
        attributes.put(KeyObjects.REPLACED_ATTRIBUTE, old.id());
        Long activation = payload.first(Tags.OFFSET).map(t -> now.getEpochSecond() + t.asLong())
                .orElse(given.known().containsKey(Tags.ACTIVATION_DATE) ? given.known().get(Tags.ACTIVATION_DATE).asLong() : null);
        if (activation != null || state == Enums.PRE_ACTIVE) {
            attributes.put(KeyObjects.STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
            if (KeyObjects.asymmetric(old)) {
                attributes.put(KeyObjects.PUBLIC_STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
            }
            if (activation != null) {
                attributes.put(Activation.DATE_ATTRIBUTE, Long.toString(activation));
            }
        }
        KeyRecord made = core.keys().create(p, new KeyRequests.Create(null, old.algorithm(), old.tags(), attributes,
                old.exportable(), 0));
        String name = old.name();
        if (name != null) {
            core.keys().clearName(p, old.id());
        }
        core.keys().edit(p, old.id(), k -> {
            Map<String, String> a = new HashMap<>(k.attributes());
            a.put(KeyObjects.REPLACEMENT_ATTRIBUTE, made.id());
            return new KeyRequests.Patch(null, null, a, null, null, null);
        });
        if (name != null) {
            return core.keys().patch(p, made.id(), new KeyRequests.Patch(name, null, null, null, null, null));
        }
        return made;
    }

    // ---- Check ----

    List<Ttlv> check(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = object(p, payload, b, Permission.GET);
        int state = KeyObjects.state(o, now());
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(o.key(), state, "it cannot be used");
        }
        payload.first(Tags.CRYPTOGRAPHIC_USAGE_MASK).ifPresent(m -> {
            int missing = m.asInt() & ~KeyObjects.usageMask(o);
            if (missing != 0) {
                throw new KmipException(Reason.PERMISSION_DENIED, "the Cryptographic Usage Mask of object " + o.uid()
                        + " does not allow " + missing + " (asked " + m.asInt() + ", allowed " + KeyObjects.usageMask(o) + ")");
            }
        });
        return uid(o);
    }

    // ---- helpers ----

    static List<Ttlv> uid(KeyObjects.Obj o) {
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()));
    }

    static Ttlv required(Map<Integer, Ttlv> attributes, int tag) {
        Ttlv t = attributes.get(tag);
        if (t == null) {
            throw new KmipException(Reason.INVALID_FIELD, "attribute " + KeyObjects.spaced(Tags.name(tag)) + " is missing");
        }
        return t;
    }
}
