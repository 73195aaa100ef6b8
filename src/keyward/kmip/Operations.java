package keyward.kmip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import keyward.core.Core;
import keyward.core.CryptoService;
import keyward.core.KeyRequests;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.store.KeyPage;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * The served KMIP operations, each on Keyward's core services, so that owners, grants, states and
 * the audit behave as over REST. Payloads in, payload items out; failures are thrown
 * ({@link KmipException}, or the core's {@link KwException}) and mapped by {@link Kmip}.
 * Thread-safe; a {@link Batch} carries what one request message's items share.
 */
final class Operations {
    /** Keys read per store page while locating; at most {@link #LOCATE_PAGES} pages per request. */
    private static final int LOCATE_PAGE = 1000;
    private static final int LOCATE_PAGES = 16;

    private final Core core;
    private final CryptoOps crypto;
    private final WrapAndDerive wrapAndDerive;

    Operations(Core core) {
        this.core = core;
        this.crypto = new CryptoOps(core);
        this.wrapAndDerive = new WrapAndDerive(core);
    }

    /** What the items of one request message share: its version and the ID Placeholder. */
    static final class Batch {
        final int version;
        /** The object the last Create made: used by items that name none (KMIP's ID Placeholder). */
        String placeholder;
        /** The object id the current item worked on, for its audit entry. */
        String auditKey;

        Batch(int version) {
            this.version = version;
        }
    }

    List<Ttlv> run(Principal p, Op op, Ttlv payload, Batch b) {
        payload.items();
        return switch (op) {
            case DISCOVER_VERSIONS -> discoverVersions(payload);
            case QUERY -> query(payload);
            case CREATE -> create(p, payload, b);
            case GET -> get(p, payload, b);
            case GET_ATTRIBUTES -> getAttributes(p, payload, b);
            case ACTIVATE -> activate(p, payload, b);
            case REVOKE -> revoke(p, payload, b);
            case DESTROY -> destroy(p, payload, b);
            case LOCATE -> locate(p, payload);
            case ENCRYPT -> encrypt(p, payload, b);
            case DECRYPT -> decrypt(p, payload, b);
            case SIGN -> crypto.sign(p, payload, b);
            case SIGNATURE_VERIFY -> crypto.signatureVerify(p, payload, b);
            case MAC -> crypto.mac(p, payload, b);
            case MAC_VERIFY -> crypto.macVerify(p, payload, b);
            case DERIVE_KEY -> wrapAndDerive.deriveKey(p, payload, b);
            default -> throw new KmipException(Reason.OPERATION_NOT_SUPPORTED, "operation " + op.jsonName + " is not served");
        };
    }

    private static List<Ttlv> discoverVersions(Ttlv payload) {
        List<Integer> asked = new ArrayList<>();
        for (Ttlv v : payload.all(Tags.PROTOCOL_VERSION)) {
            asked.add(Kmip.version(v));
        }
        List<Ttlv> out = new ArrayList<>();
        for (int v : Kmip.VERSIONS) {
            if (asked.isEmpty() || asked.contains(v)) {
                out.add(Kmip.versionItem(v));
            }
        }
        return out;
    }

    private static List<Ttlv> query(Ttlv payload) {
        List<Ttlv> out = new ArrayList<>();
        for (Ttlv f : payload.all(Tags.QUERY_FUNCTION)) {
            switch (f.asInt()) {
                case Enums.QUERY_OPERATIONS -> {
                    for (Op op : Op.values()) {
                        if (op.served) {
                            out.add(Ttlv.enumeration(Tags.OPERATION, op.code));
                        }
                    }
                }
                case Enums.QUERY_OBJECTS -> out.add(Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY));
                case Enums.QUERY_SERVER_INFORMATION -> {
                    out.add(Ttlv.text(Tags.VENDOR_IDENTIFICATION, "Keyward"));
                    out.add(Ttlv.structure(Tags.SERVER_INFORMATION, List.of()));
                }
                default -> {
                    // other query functions have nothing to report here
                }
            }
        }
        return out;
    }

    private List<Ttlv> create(Principal p, Ttlv payload, Batch b) {
        int type = payload.required(Tags.OBJECT_TYPE).asInt();
        if (type != Enums.SYMMETRIC_KEY) {
            throw new KmipException(Reason.INVALID_FIELD, "Create makes symmetric keys only; object type "
                    + Enums.name(Tags.OBJECT_TYPE, type) + " is not served yet");
        }
        KeyObjects.Given given = KeyObjects.given(payload);
        Map<Integer, Ttlv> a = given.known();
        int alg = required(a, Tags.CRYPTOGRAPHIC_ALGORITHM).asInt();
        if (alg != Enums.AES) {
            throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                    + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg) + " is not served; Create makes AES keys");
        }
        int bits = required(a, Tags.CRYPTOGRAPHIC_LENGTH).asInt();
        String algorithm = switch (bits) {
            case 128 -> "aes-128-gcm";
            case 256 -> "aes-256-gcm";
            default -> throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Length " + bits
                    + " is not served for AES; use 128 or 256");
        };
        int usage = a.containsKey(Tags.CRYPTOGRAPHIC_USAGE_MASK) ? a.get(Tags.CRYPTOGRAPHIC_USAGE_MASK).asInt()
                : KeyObjects.DEFAULT_USAGE;
        String name = a.containsKey(Tags.NAME) ? a.get(Tags.NAME).required(Tags.NAME_VALUE).asText() : null;
        boolean extractable = !a.containsKey(Tags.EXTRACTABLE) || a.get(Tags.EXTRACTABLE).asBoolean();
        if (a.containsKey(Tags.SENSITIVE) && a.get(Tags.SENSITIVE).asBoolean()) {
            extractable = false;
        }
        KeyRecord k = core.keys().create(p, new KeyRequests.Create(name, algorithm, List.of(),
                KeyObjects.createAttributes(usage), extractable, 0));
        b.placeholder = k.id();
        b.auditKey = k.id();
        return List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY), Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
    }

    private List<Ttlv> get(Principal p, Ttlv payload, Batch b) {
        if (payload.first(Tags.KEY_WRAPPING_SPECIFICATION).isPresent()) {
            return wrapAndDerive.getWrapped(p, payload, b);
        }
        KeyRecord k = key(p, payload, b, Permission.EXPORT);
        int bits = KeyObjects.requireAes(k);
        int format = payload.first(Tags.KEY_FORMAT_TYPE).map(Ttlv::asInt).orElse(Enums.RAW);
        if (format != Enums.RAW) {
            throw new KmipException(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "Key Format Type "
                    + Enums.name(Tags.KEY_FORMAT_TYPE, format) + " is not served; ask for Raw");
        }
        if (!k.exportable()) {
            throw new KmipException(Reason.PERMISSION_DENIED, "object " + k.id()
                    + " is not extractable (Keyward: not exportable); its key material never leaves the server");
        }
        CryptoService.Exported e = core.crypto().export(p, k.id(), null, null);
        Ttlv block = Ttlv.structure(Tags.KEY_BLOCK, List.of(
                Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.RAW),
                Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, e.bytes()))),
                Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, bits)));
        return List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY), Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()),
                Ttlv.structure(Tags.SYMMETRIC_KEY, List.of(block)));
    }

    private List<Ttlv> getAttributes(Principal p, Ttlv payload, Batch b) {
        KeyRecord k = key(p, payload, b, Permission.GET);
        KeyObjects.requireAes(k);
        List<Integer> wanted = new ArrayList<>();
        for (Ttlv n : payload.all(Tags.ATTRIBUTE_NAME)) {
            int tag = KeyObjects.tagOfName(n.asText());
            if (tag >= 0) {
                wanted.add(tag);
            }
        }
        for (Ttlv r : payload.all(Tags.ATTRIBUTE_REFERENCE)) {
            if (r.type() == Ttlv.Type.ENUMERATION) {
                wanted.add(r.asInt());
            } else {
                r.first(Tags.ATTRIBUTE_NAME).map(n -> KeyObjects.tagOfName(n.asText())).filter(t -> t >= 0)
                        .ifPresent(wanted::add);
            }
        }
        Map<Integer, Ttlv> all = KeyObjects.attributes(k, !wanted.isEmpty());
        List<Ttlv> shown = new ArrayList<>();
        for (Map.Entry<Integer, Ttlv> e : all.entrySet()) {
            if (wanted.isEmpty() || wanted.contains(e.getKey())) {
                shown.add(e.getValue());
            }
        }
        List<Ttlv> out = new ArrayList<>();
        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
        if (b.version >= 200) {
            out.add(Ttlv.structure(Tags.ATTRIBUTES, shown));
        } else {
            shown.forEach(t -> out.add(KeyObjects.v1Attribute(t)));
        }
        return out;
    }

    private List<Ttlv> activate(Principal p, Ttlv payload, Batch b) {
        KeyRecord k = key(p, payload, b, Permission.UPDATE);
        KeyObjects.requireAes(k);
        int state = KeyObjects.state(k);
        if (state != Enums.PRE_ACTIVE) {
            throw wrongState(k, state, "only a PreActive object can be activated");
        }
        Map<String, String> attributes = new HashMap<>(k.attributes());
        attributes.remove(KeyObjects.STATE_ATTRIBUTE);
        core.keys().patch(p, k.id(), new KeyRequests.Patch(null, null, attributes, null, null, null));
        return uid(k);
    }

    private List<Ttlv> revoke(Principal p, Ttlv payload, Batch b) {
        KeyRecord k = key(p, payload, b, Permission.REVOKE);
        KeyObjects.requireAes(k);
        int code = payload.required(Tags.REVOCATION_REASON).required(Tags.REVOCATION_REASON_CODE).asInt();
        boolean compromise = code == Enums.KEY_COMPROMISE || code == Enums.CA_COMPROMISE;
        int state = KeyObjects.state(k);
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw wrongState(k, state, "a destroyed object cannot be revoked");
        }
        core.keys().revoke(p, k.id(), compromise ? "compromised" : "retired");
        return uid(k);
    }

    private List<Ttlv> destroy(Principal p, Ttlv payload, Batch b) {
        KeyRecord k = key(p, payload, b, Permission.DESTROY);
        KeyObjects.requireAes(k);
        int state = KeyObjects.state(k);
        if (state == Enums.ACTIVE) {
            throw wrongState(k, state, "revoke an Active object before destroying it");
        }
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw wrongState(k, state, "it is destroyed already");
        }
        core.keys().scheduleDestroy(p, k.id(), core.settings().pendingDaysMin());
        return uid(k);
    }

    private List<Ttlv> locate(Principal p, Ttlv payload) {
        int max = payload.first(Tags.MAXIMUM_ITEMS).map(Ttlv::asInt).orElse(LOCATE_PAGE);
        int offset = payload.first(Tags.OFFSET_ITEMS).map(Ttlv::asInt).orElse(0);
        if (max < 1 || offset < 0) {
            throw new KmipException(Reason.INVALID_FIELD, "Maximum Items must be at least 1 and Offset Items at least 0");
        }
        max = Math.min(max, LOCATE_PAGE);
        KeyObjects.Given given = KeyObjects.given(payload);
        if (!given.unknown().isEmpty()) {
            throw new KmipException(Reason.INVALID_FIELD, "Locate cannot filter on " + given.unknown());
        }
        Map<Integer, Ttlv> filters = given.known();
        for (int tag : filters.keySet()) {
            if (tag != Tags.NAME && tag != Tags.OBJECT_TYPE && tag != Tags.CRYPTOGRAPHIC_ALGORITHM
                    && tag != Tags.CRYPTOGRAPHIC_LENGTH && tag != Tags.STATE) {
                throw new KmipException(Reason.INVALID_FIELD, "Locate filters on Name, Object Type, Cryptographic"
                        + " Algorithm, Cryptographic Length and State; not on " + KeyObjects.spaced(Tags.name(tag)));
            }
        }
        String name = filters.containsKey(Tags.NAME) ? filters.get(Tags.NAME).required(Tags.NAME_VALUE).asText() : null;
        List<Ttlv> out = new ArrayList<>();
        if (name != null && !Names.validName(name)) {
            return out; // no Keyward key can carry that name
        }
        int skip = offset;
        String after = null;
        for (int page = 0; page < LOCATE_PAGES && out.size() < max; page++) {
            KeyPage keys = core.keys().locate(p, new KeyRequests.Locate(List.of(), name, null, null, null,
                    LOCATE_PAGE, after));
            for (KeyRecord k : keys.keys()) {
                if (out.size() < max && matches(k, filters) && skip-- <= 0) {
                    out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
                }
            }
            if (keys.next() == null) {
                break;
            }
            after = keys.next();
        }
        return out;
    }

    private static boolean matches(KeyRecord k, Map<Integer, Ttlv> filters) {
        int bits = KeyObjects.aesBits(k);
        if (bits == 0) {
            return false;
        }
        for (Map.Entry<Integer, Ttlv> f : filters.entrySet()) {
            boolean ok = switch (f.getKey()) {
                case Tags.OBJECT_TYPE -> f.getValue().asInt() == Enums.SYMMETRIC_KEY;
                case Tags.CRYPTOGRAPHIC_ALGORITHM -> f.getValue().asInt() == Enums.AES;
                case Tags.CRYPTOGRAPHIC_LENGTH -> f.getValue().asInt() == bits;
                case Tags.STATE -> f.getValue().asInt() == KeyObjects.state(k);
                default -> true; // Name: the store filtered already
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private List<Ttlv> encrypt(Principal p, Ttlv payload, Batch b) {
        if (CryptoOps.raw(payload)) {
            return crypto.encrypt(p, payload, b);
        }
        KeyRecord k = usable(p, payload, b, Enums.USAGE_ENCRYPT, Permission.ENCRYPT, "Encrypt");
        if (payload.first(Tags.IV_COUNTER_NONCE).isPresent()) {
            throw new KmipException(Reason.INVALID_FIELD, "Keyward makes a fresh nonce for every encryption and keeps it"
                    + " in the ciphertext; send no IV/Counter/Nonce");
        }
        byte[] data = payload.required(Tags.DATA).asBytes();
        byte[] aad = payload.first(Tags.AE_ADDITIONAL_DATA).map(Ttlv::asBytes).orElse(null);
        CryptoService.Output out = core.crypto().encrypt(p, k.id(), data, aad);
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()),
                Ttlv.bytes(Tags.DATA, out.value().getBytes(StandardCharsets.US_ASCII)));
    }

    private List<Ttlv> decrypt(Principal p, Ttlv payload, Batch b) {
        if (CryptoOps.raw(payload)) {
            return crypto.decrypt(p, payload, b);
        }
        KeyRecord k = usable(p, payload, b, Enums.USAGE_DECRYPT, Permission.DECRYPT, "Decrypt");
        if (payload.first(Tags.AE_TAG).isPresent() || payload.first(Tags.IV_COUNTER_NONCE).isPresent()) {
            throw new KmipException(Reason.INVALID_FIELD, "a Keyward ciphertext carries its own nonce and tag;"
                    + " send only the Data that Encrypt returned");
        }
        String ciphertext = new String(payload.required(Tags.DATA).asBytes(), StandardCharsets.ISO_8859_1);
        byte[] aad = payload.first(Tags.AE_ADDITIONAL_DATA).map(Ttlv::asBytes).orElse(null);
        byte[] plain;
        try {
            plain = core.crypto().decrypt(p, k.id(), ciphertext, aad);
        } catch (KwException e) {
            if (e.code() == keyward.core.ErrorCode.INVALID_REQUEST) {
                throw new KmipException(Reason.CRYPTOGRAPHIC_FAILURE, "decryption failed");
            }
            throw e;
        }
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()), Ttlv.bytes(Tags.DATA, plain));
    }

    /**
     * The key for Encrypt or Decrypt: AES, not Pre-Active, its usage mask allows {@code usage},
     * and the Cryptographic Parameters (if any) ask for what Keyward does: AES-GCM.
     */
    private KeyRecord usable(Principal p, Ttlv payload, Batch b, int usage, Permission right, String operation) {
        KeyRecord k = key(p, payload, b, right);
        KeyObjects.requireAes(k);
        int state = KeyObjects.state(k);
        if (state == Enums.PRE_ACTIVE) {
            throw wrongState(k, state, "activate it first");
        }
        if ((KeyObjects.usageMask(k) & usage) == 0) {
            throw new KmipException(Reason.PERMISSION_DENIED, "the Cryptographic Usage Mask of object " + k.id()
                    + " does not allow " + operation);
        }
        payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS).ifPresent(params -> {
            params.first(Tags.BLOCK_CIPHER_MODE).map(Ttlv::asInt).filter(m -> m != Enums.GCM).ifPresent(m -> {
                throw new KmipException(Reason.INVALID_FIELD, "Block Cipher Mode " + Enums.name(Tags.BLOCK_CIPHER_MODE, m)
                        + " is not served; Keyward encrypts with AES-GCM in its own ciphertext format");
            });
            params.first(Tags.CRYPTOGRAPHIC_ALGORITHM).map(Ttlv::asInt).filter(a -> a != Enums.AES).ifPresent(a -> {
                throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                        + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, a) + " does not match the AES key");
            });
        });
        return k;
    }

    /**
     * The object the payload's Unique Identifier (or the batch's ID Placeholder) names, if the caller
     * may do {@code right} with it (Item Not Found when it may not see it, else Permission Denied).
     */
    private KeyRecord key(Principal p, Ttlv payload, Batch b, Permission right) {
        String id = payload.first(Tags.UNIQUE_IDENTIFIER).map(Ttlv::asText).orElse(b.placeholder);
        if (id == null) {
            throw new KmipException(Reason.INVALID_FIELD, "Unique Identifier is missing and no earlier item of the"
                    + " batch made an object");
        }
        if (!Names.isUuid(id)) {
            throw new KmipException(Reason.ITEM_NOT_FOUND, "no object has the Unique Identifier given");
        }
        b.auditKey = id.toLowerCase(java.util.Locale.ROOT);
        KeyRecord k = core.keys().getFor(p, id, right);
        b.auditKey = k.id();
        return k;
    }

    private static List<Ttlv> uid(KeyRecord k) {
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()));
    }

    static KmipException wrongState(KeyRecord k, int state, String what) {
        return new KmipException(Reason.WRONG_KEY_LIFECYCLE_STATE, "object " + k.id() + " is "
                + Enums.name(Tags.STATE, state) + "; " + what);
    }

    private static Ttlv required(Map<Integer, Ttlv> attributes, int tag) {
        Ttlv t = attributes.get(tag);
        if (t == null) {
            throw new KmipException(Reason.INVALID_FIELD, "attribute " + KeyObjects.spaced(Tags.name(tag)) + " is missing");
        }
        return t;
    }
}
