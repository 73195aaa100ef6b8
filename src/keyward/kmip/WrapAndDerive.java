package keyward.kmip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import keyward.core.Core;
import keyward.core.Principal;
import keyward.core.RawCrypto;
import keyward.crypto.Kdf;
import keyward.crypto.KeyFormats;
import keyward.crypto.KeyWrap;
import keyward.store.KeyRecord;
import keyward.store.Permission;

import static keyward.kmip.CryptoOps.AES_KEY_WRAP_PADDING;
import static keyward.kmip.CryptoOps.HKDF;
import static keyward.kmip.CryptoOps.HMAC_SHA256;
import static keyward.kmip.CryptoOps.HMAC_SHA384;
import static keyward.kmip.CryptoOps.HMAC_SHA512;
import static keyward.kmip.CryptoOps.NIST_KEY_WRAP;
import static keyward.kmip.CryptoOps.NO_ENCODING;
import static keyward.kmip.CryptoOps.PAD_NONE;
import static keyward.kmip.CryptoOps.PBKDF2;
import static keyward.kmip.CryptoOps.SHA_1;
import static keyward.kmip.CryptoOps.SHA_256;
import static keyward.kmip.CryptoOps.SHA_384;
import static keyward.kmip.CryptoOps.SHA_512;
import static keyward.kmip.CryptoOps.USAGE_DERIVE_KEY;
import static keyward.kmip.CryptoOps.USAGE_MAC_GENERATE;
import static keyward.kmip.CryptoOps.USAGE_MAC_VERIFY;
import static keyward.kmip.CryptoOps.USAGE_WRAP_KEY;
import static keyward.kmip.CryptoOps.WRAP_ENCRYPT;
import static keyward.kmip.CryptoOps.call;
import static keyward.kmip.CryptoOps.hashName;
import static keyward.kmip.CryptoOps.intOf;
import static keyward.kmip.CryptoOps.requireUsable;

/**
 * The KMIP operations that make key material leave a key in another form: DeriveKey (PBKDF2,
 * HKDF) into a new Keyward key, and Get with a Key Wrapping Specification (RFC 3394/5649 under
 * another AES key). The cryptography runs in the core ({@link RawCrypto}); here are the KMIP
 * fields, the usage masks and the result reasons, shared with {@link CryptoOps}. docs/kmip.md has
 * the rules. Thread-safe.
 */
final class WrapAndDerive {
    private final Core core;

    WrapAndDerive(Core core) {
        this.core = core;
    }

    // ---------------------------------------------------------------- DeriveKey

    List<Ttlv> deriveKey(Principal p, Ttlv payload, Operations.Batch b) {
        int type = payload.required(Tags.OBJECT_TYPE).asInt();
        if (type != Enums.SYMMETRIC_KEY) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "DeriveKey makes Symmetric Keys only, not "
                    + Enums.name(Tags.OBJECT_TYPE, type));
        }
        List<Ttlv> bases = payload.all(Tags.UNIQUE_IDENTIFIER);
        if (bases.size() > 1) {
            throw new KmipException(Reason.INVALID_FIELD, "PBKDF2 and HKDF derive from one object; " + bases.size()
                    + " Unique Identifiers are given");
        }
        CryptoOps.Target base = CryptoOps.target(core, p, payload, b, Permission.EXPORT);
        if (base.publicUid()) {
            throw new KmipException(Reason.INVALID_FIELD, "keys are not derived from a Public Key");
        }
        requireUsable(core, base.key(), false, USAGE_DERIVE_KEY, "Derive Key");
        int method = payload.required(Tags.DERIVATION_METHOD).asInt();
        if (method != PBKDF2 && method != HKDF) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Derivation Method " + String.format("0x%08X", method)
                    + " is not served; use PBKDF2 or HKDF");
        }
        Ttlv dp = payload.required(Tags.DERIVATION_PARAMETERS);
        if (dp.first(Tags.INITIALIZATION_VECTOR).isPresent()) {
            throw new KmipException(Reason.INVALID_FIELD, "PBKDF2 and HKDF take no Initialization Vector");
        }
        int h = dp.first(Tags.CRYPTOGRAPHIC_PARAMETERS).flatMap(c -> intOf(c, Tags.HASHING_ALGORITHM)).orElse(SHA_256);
        Kdf.Prf prf = switch (h) {
            case SHA_1 -> Kdf.Prf.SHA1;
            case SHA_256 -> Kdf.Prf.SHA256;
            case SHA_384 -> Kdf.Prf.SHA384;
            case SHA_512 -> Kdf.Prf.SHA512;
            default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Hashing Algorithm " + hashName(h)
                    + " is not served for key derivation; use SHA-1 (PBKDF2 only), SHA-256, SHA-384 or SHA-512");
        };
        byte[] salt = dp.first(Tags.SALT).map(Ttlv::asBytes).orElse(null);
        RawCrypto.Derivation d;
        if (method == PBKDF2) {
            if (salt == null) {
                throw new KmipException(Reason.INVALID_FIELD, "PBKDF2 needs a Salt");
            }
            int iterations = dp.required(Tags.ITERATION_COUNT).asInt();
            if (iterations < 1 || iterations > Kdf.MAX_ITERATIONS) {
                throw new KmipException(Reason.INVALID_FIELD, "Iteration Count must be 1 to " + Kdf.MAX_ITERATIONS);
            }
            if (dp.first(Tags.DERIVATION_DATA).isPresent()) {
                throw new KmipException(Reason.INVALID_FIELD, "PBKDF2 takes no Derivation Data (the base object is the password)");
            }
            d = new RawCrypto.Derivation(true, prf, salt, null, iterations);
        } else {
            if (prf == Kdf.Prf.SHA1) {
                throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "HKDF with SHA-1 is not served; use SHA-256, -384 or -512");
            }
            if (dp.first(Tags.ITERATION_COUNT).isPresent()) {
                throw new KmipException(Reason.INVALID_FIELD, "HKDF takes no Iteration Count");
            }
            byte[] info = dp.first(Tags.DERIVATION_DATA).map(Ttlv::asBytes).orElse(new byte[0]);
            d = new RawCrypto.Derivation(false, prf, salt, info, 0);
        }
        KeyObjects.Given given = KeyObjects.given(payload);
        Map<Integer, Ttlv> a = given.known();
        int alg = Optional.ofNullable(a.get(Tags.CRYPTOGRAPHIC_ALGORITHM)).map(Ttlv::asInt).orElseThrow(() ->
                new KmipException(Reason.INVALID_FIELD, "attribute Cryptographic Algorithm of the new key is missing"));
        int bits = Optional.ofNullable(a.get(Tags.CRYPTOGRAPHIC_LENGTH)).map(Ttlv::asInt).orElseThrow(() ->
                new KmipException(Reason.INVALID_FIELD, "attribute Cryptographic Length of the new key is missing"));
        String algorithm = derivedAlgorithm(alg, bits);
        int usage = a.containsKey(Tags.CRYPTOGRAPHIC_USAGE_MASK) ? a.get(Tags.CRYPTOGRAPHIC_USAGE_MASK).asInt()
                : algorithm.startsWith("hmac-") ? USAGE_MAC_GENERATE | USAGE_MAC_VERIFY : KeyObjects.DEFAULT_USAGE;
        String name = a.containsKey(Tags.NAME) ? a.get(Tags.NAME).required(Tags.NAME_VALUE).asText() : null;
        boolean extractable = !a.containsKey(Tags.EXTRACTABLE) || a.get(Tags.EXTRACTABLE).asBoolean();
        if (a.containsKey(Tags.SENSITIVE) && a.get(Tags.SENSITIVE).asBoolean()) {
            extractable = false;
        }
        RawCrypto.NewKey n = new RawCrypto.NewKey(name, algorithm, KeyObjects.createAttributes(usage), extractable);
        KeyRecord made = call(() -> core.raw().derive(p, base.key().id(), d, bits / 8, n));
        b.placeholder = made.id();
        b.auditKey = made.id();
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, made.id()));
    }

    private static String derivedAlgorithm(int alg, int bits) {
        String hmac = switch (alg) {
            case HMAC_SHA256 -> "hmac-sha256";
            case HMAC_SHA384 -> "hmac-sha384";
            case HMAC_SHA512 -> "hmac-sha512";
            default -> null;
        };
        if (hmac != null) {
            if (bits < 128 || bits > 8192 || bits % 8 != 0) {
                throw new KmipException(Reason.INVALID_FIELD, "an HMAC key is 128 to 8192 bits, whole bytes; not " + bits);
            }
            return hmac;
        }
        if (alg != Enums.AES) {
            throw new KmipException(Reason.INVALID_FIELD, "DeriveKey makes AES or HMAC-SHA256/384/512 keys, not "
                    + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg));
        }
        return switch (bits) {
            case 128 -> "aes-128-gcm";
            case 256 -> "aes-256-gcm";
            default -> throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Length " + bits
                    + " is not served for a derived AES key; use 128 or 256");
        };
    }

    // ---------------------------------------------------------------- Get, wrapped

    /**
     * Get with a Key Wrapping Specification: the object's key material, in the format asked for
     * (as a plain Get gives it), wrapped under another AES key. Symmetric keys (Raw), Private Keys
     * (PKCS#8, or PKCS#1 for RSA) and Secret Data (Raw or Opaque) have key blocks to wrap; a Public
     * Key is no secret and an Opaque Object has no key block (Feature Not Supported).
     */
    List<Ttlv> getWrapped(Principal p, Ttlv payload, Operations.Batch b) {
        CryptoOps.Target t = CryptoOps.target(core, p, payload, b, Permission.EXPORT);
        KeyRecord k = t.key();
        int state = KeyObjects.state(k);
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(k, state, "a destroyed object has no key material");
        }
        int type = KeyObjects.objectType(k, t.publicUid());
        if (type == Enums.PUBLIC_KEY || type == Enums.OPAQUE_OBJECT || k.algorithm().startsWith("chacha")) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "object " + t.uid() + " is "
                    + (type == Enums.PUBLIC_KEY ? "a Public Key, no secret to wrap"
                    : type == Enums.OPAQUE_OBJECT ? "an Opaque Object, which has no key block to wrap"
                    : "a Keyward " + k.algorithm() + " key, which KMIP has no algorithm for"));
        }
        Integer asked = payload.first(Tags.KEY_FORMAT_TYPE).map(Ttlv::asInt).orElse(null);
        boolean rsa = k.algorithm().startsWith("rsa-");
        int format = switch (type) {
            case Enums.PRIVATE_KEY -> ObjectOps.format(asked, Enums.PKCS8, rsa ? Enums.PKCS1 : Enums.PKCS8);
            case Enums.SECRET_DATA -> ObjectOps.format(asked, Enums.OPAQUE, Enums.RAW);
            default -> ObjectOps.format(asked, Enums.RAW, Enums.RAW);
        };
        int objectTag = switch (type) {
            case Enums.PRIVATE_KEY -> Tags.PRIVATE_KEY;
            case Enums.SECRET_DATA -> Tags.SECRET_DATA;
            default -> Tags.SYMMETRIC_KEY;
        };
        Ttlv spec = payload.required(Tags.KEY_WRAPPING_SPECIFICATION);
        int method = spec.required(Tags.WRAPPING_METHOD).asInt();
        if (method != WRAP_ENCRYPT) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Wrapping Method " + String.format("0x%08X", method)
                    + " is not served; use Encrypt");
        }
        if (spec.first(Tags.MAC_SIGNATURE_KEY_INFORMATION).isPresent() || spec.first(Tags.ATTRIBUTE_NAME).isPresent()) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "MAC/Signature Key Information and wrapped"
                    + " Attribute Names are not served; wrap with Encryption Key Information alone");
        }
        int encoding = spec.first(Tags.ENCODING_OPTION).map(Ttlv::asInt).orElse(NO_ENCODING);
        if (encoding != NO_ENCODING) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Encoding Option TTLV Encoding is not served;"
                    + " ask for No Encoding (the key material alone is wrapped)");
        }
        Ttlv info = spec.required(Tags.ENCRYPTION_KEY_INFORMATION);
        String wrapUid = info.required(Tags.UNIQUE_IDENTIFIER).asText();
        Optional<Ttlv> wrapParams = info.first(Tags.CRYPTOGRAPHIC_PARAMETERS);
        int mode = wrapParams.flatMap(c -> intOf(c, Tags.BLOCK_CIPHER_MODE)).orElse(NIST_KEY_WRAP);
        KeyWrap.Method wm = switch (mode) {
            case NIST_KEY_WRAP -> KeyWrap.Method.KW;
            case AES_KEY_WRAP_PADDING -> KeyWrap.Method.KWP;
            default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Block Cipher Mode "
                    + Enums.name(Tags.BLOCK_CIPHER_MODE, mode) + " does not wrap keys here; use NISTKeyWrap (RFC 3394)"
                    + " or AESKeyWrapPadding (RFC 5649)");
        };
        wrapParams.flatMap(c -> intOf(c, Tags.PADDING_METHOD)).filter(x -> x != PAD_NONE).ifPresent(x -> {
            throw new KmipException(Reason.INVALID_FIELD, "AES key wrap takes no Padding Method");
        });
        if (!k.exportable()) {
            throw new KmipException(Reason.PERMISSION_DENIED, "object " + k.id() + " is not extractable (Keyward: not"
                    + " exportable); its key material never leaves the server, wrapped or not");
        }
        String wrapId = KeyObjects.parseUid(wrapUid).filter(r -> !r.publicHalf()).map(KeyObjects.Ref::keyId).orElse(null);
        if (wrapId == null) {
            throw new KmipException(Reason.ITEM_NOT_FOUND, "no AES key has the Unique Identifier given in the"
                    + " Encryption Key Information");
        }
        KeyRecord w = core.keys().getFor(p, wrapId, Permission.ENCRYPT);
        if (!w.algorithm().startsWith("aes-")) {
            throw new KmipException(Reason.INVALID_FIELD, "the wrapping key " + w.id() + " is a Keyward " + w.algorithm()
                    + " key; wrap with an AES key");
        }
        requireUsable(core, w, false, USAGE_WRAP_KEY, "Wrap Key");
        byte[] publicKey = k.primary().publicKey();
        byte[] wrapped = call(() -> core.raw().exportWrapped(p, k.id(), w.id(), wm, raw -> {
            if (type == Enums.PRIVATE_KEY && java.util.Arrays.equals(raw, publicKey)) {
                // a public key imported over REST: there is no Private Key
                throw new KmipException(Reason.ITEM_NOT_FOUND, "object " + k.id() + " holds only a public key");
            }
            return format == Enums.PKCS1 ? KeyFormats.rsaPrivatePkcs1(raw) : raw.clone();
        }));
        List<Ttlv> eki = new ArrayList<>(List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, w.id())));
        eki.add(Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS, List.of(Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, mode))));
        Ttlv wrappingData = Ttlv.structure(Tags.KEY_WRAPPING_DATA, List.of(
                Ttlv.enumeration(Tags.WRAPPING_METHOD, WRAP_ENCRYPT),
                Ttlv.structure(Tags.ENCRYPTION_KEY_INFORMATION, eki),
                Ttlv.enumeration(Tags.ENCODING_OPTION, NO_ENCODING)));
        List<Ttlv> block = new ArrayList<>(List.of(Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, format),
                Ttlv.structure(Tags.KEY_VALUE, List.of(Ttlv.bytes(Tags.KEY_MATERIAL, wrapped)))));
        int alg = KeyObjects.kmipAlgorithm(k);
        if (alg != 0) {
            block.add(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, alg));
            block.add(Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, KeyObjects.bits(k)));
        }
        block.add(wrappingData);
        List<Ttlv> object = new ArrayList<>();
        if (type == Enums.SECRET_DATA) {
            object.add(Ttlv.enumeration(Tags.SECRET_DATA_TYPE, KeyObjects.dataType(k, Enums.SECRET_PASSWORD)));
        }
        object.add(Ttlv.structure(Tags.KEY_BLOCK, block));
        return List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, type), Ttlv.text(Tags.UNIQUE_IDENTIFIER, k.id()),
                Ttlv.structure(objectTag, object));
    }
}
