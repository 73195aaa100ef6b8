package keyward.kmip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import keyward.core.Core;
import keyward.core.CryptoService;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * The served KMIP operations, each on Keyward's core services, so that owners, grants, states and
 * the audit behave as over REST: the objects and their lifecycle in {@link ObjectOps}, attributes
 * in {@link AttributeOps}, the rest here. Payloads in, payload items out; failures are thrown
 * ({@link KmipException}, or the core's {@link KwException}) and mapped by {@link Kmip}.
 * Thread-safe; a {@link Batch} carries what one request message's items share.
 */
final class Operations {
    private final Core core;
    private final ObjectOps objects;
    private final Locator locator;
    private final AttributeOps attributes;
    private final CryptoOps crypto;
    private final WrapAndDerive wrapAndDerive;

    Operations(Core core) {
        this.core = core;
        this.objects = new ObjectOps(core);
        this.locator = new Locator(core);
        this.attributes = new AttributeOps(core, objects);
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
            case CREATE -> objects.create(p, payload, b);
            case CREATE_KEY_PAIR -> objects.createKeyPair(p, payload, b);
            case REGISTER -> objects.register(p, payload, b);
            case GET -> payload.first(Tags.KEY_WRAPPING_SPECIFICATION).isPresent()
                    ? wrapAndDerive.getWrapped(p, payload, b) : objects.get(p, payload, b);
            case ACTIVATE -> objects.activate(p, payload, b);
            case REVOKE -> objects.revoke(p, payload, b);
            case DESTROY -> objects.destroy(p, payload, b);
            case REKEY -> objects.rekey(p, payload, b);
            case REKEY_KEY_PAIR -> objects.rekeyKeyPair(p, payload, b);
            case CHECK -> objects.check(p, payload, b);
            case LOCATE -> locator.locate(p, payload);
            case GET_ATTRIBUTES -> attributes.getAttributes(p, payload, b);
            case GET_ATTRIBUTE_LIST -> attributes.getAttributeList(p, payload, b);
            case ADD_ATTRIBUTE -> attributes.add(p, payload, b);
            case MODIFY_ATTRIBUTE -> attributes.modify(p, payload, b);
            case DELETE_ATTRIBUTE -> attributes.delete(p, payload, b);
            case SET_ATTRIBUTE -> attributes.set(p, payload, b);
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
                case Enums.QUERY_OBJECTS -> {
                    for (int type : List.of(Enums.SYMMETRIC_KEY, Enums.PUBLIC_KEY, Enums.PRIVATE_KEY, Enums.SECRET_DATA,
                            Enums.OPAQUE_OBJECT)) {
                        out.add(Ttlv.enumeration(Tags.OBJECT_TYPE, type));
                    }
                }
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
        int state = KeyObjects.state(k, false, core.clock().now());
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

    static KmipException wrongState(KeyRecord k, int state, String what) {
        return new KmipException(Reason.WRONG_KEY_LIFECYCLE_STATE, "object " + k.id() + " is "
                + Enums.name(Tags.STATE, state) + "; " + what);
    }
}
