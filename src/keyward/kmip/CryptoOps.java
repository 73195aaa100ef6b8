package keyward.kmip;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import keyward.core.Ciphertexts;
import keyward.core.Core;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.core.RawCrypto;
import keyward.crypto.RawCiphers;
import keyward.crypto.UnsupportedByAlgorithmException;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * KMIP's cryptographic operations beyond Keyward's envelope: Encrypt and Decrypt in raw modes
 * (AES-GCM, -CBC, -CTR with the client's or a fresh IV, RSA-OAEP), Sign and SignatureVerify, and
 * MAC and MACVerify; with the KMIP constants, the key lookup (either UID of a key pair), the usage
 * masks and the error mapping that {@link WrapAndDerive} shares. The cryptography runs in the
 * core ({@link RawCrypto} and {@code CryptoService}), with the same rights, key states and audit
 * as REST. docs/kmip.md has the rules. Thread-safe.
 */
final class CryptoOps {
    // Cryptographic Usage Mask bits
    static final int USAGE_SIGN = 0x01;
    static final int USAGE_VERIFY = 0x02;
    static final int USAGE_WRAP_KEY = 0x10;
    static final int USAGE_MAC_GENERATE = 0x80;
    static final int USAGE_MAC_VERIFY = 0x100;
    static final int USAGE_DERIVE_KEY = 0x200;
    // Block Cipher Mode
    static final int CBC = 0x01;
    static final int CTR = 0x06;
    static final int AES_KEY_WRAP_PADDING = 0x0C;
    static final int NIST_KEY_WRAP = 0x0D;
    // Padding Method
    static final int PAD_NONE = 0x01;
    static final int PAD_OAEP = 0x02;
    static final int PAD_PKCS5 = 0x03;
    static final int PAD_PKCS1V15 = 0x08;
    static final int PAD_PSS = 0x0A;
    // Hashing Algorithm
    static final int SHA_1 = 0x04;
    static final int SHA_224 = 0x05;
    static final int SHA_256 = 0x06;
    static final int SHA_384 = 0x07;
    static final int SHA_512 = 0x08;
    // Cryptographic Algorithm
    static final int RSA = 0x04;
    static final int ECDSA = 0x06;
    static final int HMAC_SHA1 = 0x07;
    static final int HMAC_SHA224 = 0x08;
    static final int HMAC_SHA256 = 0x09;
    static final int HMAC_SHA384 = 0x0A;
    static final int HMAC_SHA512 = 0x0B;
    static final int EC = 0x1A;
    static final int ED25519 = 0x37;
    // Digital Signature Algorithm
    static final int SHA256_WITH_RSA = 0x05;
    static final int SHA384_WITH_RSA = 0x06;
    static final int SHA512_WITH_RSA = 0x07;
    static final int RSASSA_PSS = 0x08;
    static final int ECDSA_WITH_SHA256 = 0x0E;
    static final int ECDSA_WITH_SHA384 = 0x0F;
    static final int ECDSA_WITH_SHA512 = 0x10;
    // Validity Indicator
    static final int VALID = 1;
    static final int INVALID = 2;
    // Derivation Method
    static final int PBKDF2 = 0x01;
    static final int HKDF = 0x0A;
    // Wrapping Method, Encoding Option
    static final int WRAP_ENCRYPT = 0x01;
    static final int NO_ENCODING = 0x01;

    private final Core core;

    CryptoOps(Core core) {
        this.core = core;
    }

    /**
     * Whether an Encrypt or Decrypt payload asks for a raw mode: its Unique Identifier names a
     * Public Key, or its Cryptographic Parameters name a mode other than GCM, a Padding Method or
     * RSA, or GCM with anything Keyward's envelope cannot honour (an IV, Random IV, an IV or tag
     * length, a tag). Anything else is Keyward's envelope, as before.
     */
    static boolean raw(Ttlv payload) {
        if (payload.first(Tags.UNIQUE_IDENTIFIER).map(CryptoOps::text).filter(u -> KeyObjects.parseUid(u).map(KeyObjects.Ref::publicHalf).orElse(false)).isPresent()) {
            return true;
        }
        Optional<Ttlv> params = payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS);
        if (params.isEmpty()) {
            return false;
        }
        Ttlv c = params.get();
        Optional<Integer> mode = intOf(c, Tags.BLOCK_CIPHER_MODE);
        if (mode.isPresent() && mode.get() != Enums.GCM) {
            return true;
        }
        if (c.first(Tags.PADDING_METHOD).isPresent() || intOf(c, Tags.CRYPTOGRAPHIC_ALGORITHM).filter(a -> a == RSA).isPresent()) {
            return true;
        }
        return mode.isPresent() && (payload.first(Tags.IV_COUNTER_NONCE).isPresent()
                || payload.first(Tags.AE_TAG).isPresent() || c.first(Tags.RANDOM_IV).isPresent()
                || c.first(Tags.IV_LENGTH).isPresent() || c.first(Tags.TAG_LENGTH).isPresent());
    }

    private static String text(Ttlv t) {
        return t.type() == Ttlv.Type.TEXT_STRING ? t.asText() : "";
    }

    static Optional<Integer> intOf(Ttlv structure, int tag) {
        return structure.first(tag).map(Ttlv::asInt);
    }

    // ---------------------------------------------------------------- Encrypt, Decrypt

    List<Ttlv> encrypt(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.ENCRYPT);
        requireRsaOrAes(t, "Encrypt");
        requireUsable(core, t.key, t.publicUid, Enums.USAGE_ENCRYPT, "Encrypt");
        Ttlv params = payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS).orElse(Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS, List.of()));
        byte[] data = payload.required(Tags.DATA).asBytes();
        List<Ttlv> out = new ArrayList<>();
        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid));
        if (t.key.algorithm().startsWith("rsa-")) {
            Oaep o = oaep(params, payload);
            out.add(Ttlv.bytes(Tags.DATA, call(() -> core.raw().oaepEncrypt(p, t.key.id(), o.hash, o.mgf, data))));
            return out;
        }
        RawCrypto.Aes aes = aes(params, b);
        byte[] iv = payload.first(Tags.IV_COUNTER_NONCE).map(Ttlv::asBytes).orElse(null);
        if (iv != null && params.first(Tags.RANDOM_IV).map(Ttlv::asBoolean).orElse(false)) {
            throw new KmipException(Reason.INVALID_FIELD, "Random IV is true and an IV/Counter/Nonce is given; send one or the other");
        }
        if (iv == null && aes.mode() == RawCiphers.Mode.GCM) {
            int bits = intOf(params, Tags.IV_LENGTH).orElse(RawCiphers.GCM_IV * 8);
            if (bits != RawCiphers.GCM_IV * 8) {
                throw new KmipException(Reason.INVALID_FIELD, "a GCM IV the server draws is 96 bits; IV Length " + bits
                        + " is not served (send your own IV/Counter/Nonce instead)");
            }
        }
        byte[] aad = payload.first(Tags.AE_ADDITIONAL_DATA).map(Ttlv::asBytes).orElse(null);
        requireAadFits(aes, aad);
        RawCrypto.Sealed s = call(() -> core.raw().aesEncrypt(p, t.key.id(), aes, iv, data, aad));
        out.add(Ttlv.bytes(Tags.DATA, s.data()));
        if (iv == null) {
            out.add(Ttlv.bytes(Tags.IV_COUNTER_NONCE, s.iv()));
        }
        if (s.tag() != null) {
            out.add(Ttlv.bytes(Tags.AE_TAG, s.tag()));
        }
        return out;
    }

    List<Ttlv> decrypt(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.DECRYPT);
        requireRsaOrAes(t, "Decrypt");
        requireUsable(core, t.key, t.publicUid, Enums.USAGE_DECRYPT, "Decrypt");
        Ttlv params = payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS).orElse(Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS, List.of()));
        byte[] data = payload.required(Tags.DATA).asBytes();
        byte[] plain;
        if (t.key.algorithm().startsWith("rsa-")) {
            if (t.publicUid) {
                throw new KmipException(Reason.INVALID_FIELD, "a Public Key cannot decrypt; use the Private Key " + t.key.id());
            }
            Oaep o = oaep(params, payload);
            plain = call(() -> core.raw().oaepDecrypt(p, t.key.id(), o.hash, o.mgf, data));
        } else {
            RawCrypto.Aes aes = aes(params, b);
            byte[] iv = payload.first(Tags.IV_COUNTER_NONCE).map(Ttlv::asBytes).orElseThrow(() -> new KmipException(
                    Reason.INVALID_FIELD, "Decrypt in AES-" + aes.mode() + " needs the IV/Counter/Nonce"));
            byte[] tag = null;
            if (aes.mode() == RawCiphers.Mode.GCM) {
                tag = payload.first(Tags.AE_TAG).map(Ttlv::asBytes).orElseThrow(() -> new KmipException(
                        Reason.INVALID_FIELD, "Decrypt in AES-GCM needs the Authenticated Encryption Tag"));
                if (params.first(Tags.TAG_LENGTH).isPresent() && tag.length != aes.tagLength()) {
                    throw new KmipException(Reason.INVALID_FIELD, "the Authenticated Encryption Tag is " + tag.length
                            + " bytes but Tag Length says " + aes.tagLength());
                }
            } else if (payload.first(Tags.AE_TAG).isPresent()) {
                throw new KmipException(Reason.INVALID_FIELD, "AES-" + aes.mode() + " has no Authenticated Encryption Tag");
            }
            byte[] aad = payload.first(Tags.AE_ADDITIONAL_DATA).map(Ttlv::asBytes).orElse(null);
            requireAadFits(aes, aad);
            byte[] gcmTag = tag;
            plain = call(() -> core.raw().aesDecrypt(p, t.key.id(), aes, iv, data, gcmTag, aad));
        }
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid), Ttlv.bytes(Tags.DATA, plain));
    }

    private static void requireAadFits(RawCrypto.Aes aes, byte[] aad) {
        if (aad != null && aes.mode() != RawCiphers.Mode.GCM) {
            throw new KmipException(Reason.INVALID_FIELD, "AES-" + aes.mode()
                    + " authenticates nothing; Authenticated Encryption Additional Data needs GCM");
        }
    }

    /** The AES mode the parameters name, with its padding and tag length, or the reason it is refused. */
    private static RawCrypto.Aes aes(Ttlv params, Operations.Batch b) {
        intOf(params, Tags.CRYPTOGRAPHIC_ALGORITHM).filter(a -> a != Enums.AES).ifPresent(a -> {
            throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                    + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, a) + " does not match the AES key");
        });
        int mode = intOf(params, Tags.BLOCK_CIPHER_MODE).orElseThrow(() -> new KmipException(Reason.INVALID_FIELD,
                "name a Block Cipher Mode (GCM, CBC or CTR) in the Cryptographic Parameters"));
        Optional<Integer> padding = intOf(params, Tags.PADDING_METHOD);
        for (int tag : new int[] {Tags.COUNTER_LENGTH, Tags.INITIAL_COUNTER_VALUE, Tags.FIXED_FIELD_LENGTH,
                Tags.INVOCATION_FIELD_LENGTH}) {
            if (params.first(tag).isPresent() && !(tag == Tags.COUNTER_LENGTH && mode == CTR
                    && params.first(tag).get().asInt() == 128)) {
                throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, KeyObjects.spaced(Tags.name(tag))
                        + " is not served; the IV/Counter/Nonce is the whole initial block (a 128-bit counter for CTR)");
            }
        }
        switch (mode) {
            case Enums.GCM -> {
                if (b.version < 104) {
                    throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "raw AES-GCM needs the Authenticated"
                            + " Encryption Tag of KMIP 1.4 or later; this request is KMIP " + b.version / 100 + "."
                            + b.version % 100 + " (with no parameters, Encrypt uses Keyward's envelope)");
                }
                requirePadding(padding, "GCM", PAD_NONE);
                int tagLength = intOf(params, Tags.TAG_LENGTH).orElse(RawCiphers.TAG_MAX);
                if (tagLength < RawCiphers.TAG_MIN || tagLength > RawCiphers.TAG_MAX) {
                    throw new KmipException(Reason.INVALID_FIELD, "Tag Length is " + RawCiphers.TAG_MIN + " to "
                            + RawCiphers.TAG_MAX + " bytes, not " + tagLength);
                }
                return new RawCrypto.Aes(RawCiphers.Mode.GCM, false, tagLength);
            }
            case CBC -> {
                requirePadding(padding, "CBC", PAD_PKCS5, PAD_NONE);
                return new RawCrypto.Aes(RawCiphers.Mode.CBC, padding.orElse(PAD_PKCS5) == PAD_PKCS5, 0);
            }
            case CTR -> {
                requirePadding(padding, "CTR", PAD_NONE);
                return new RawCrypto.Aes(RawCiphers.Mode.CTR, false, 0);
            }
            default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Block Cipher Mode "
                    + Enums.name(Tags.BLOCK_CIPHER_MODE, mode) + " is not served; use GCM, CBC or CTR");
        }
    }

    private static void requirePadding(Optional<Integer> padding, String mode, int... allowed) {
        if (padding.isEmpty()) {
            return;
        }
        for (int a : allowed) {
            if (padding.get() == a) {
                return;
            }
        }
        throw new KmipException(Reason.INVALID_FIELD, "Padding Method " + Enums.name(Tags.PADDING_METHOD, padding.get())
                + " does not fit AES-" + mode + "; " + (allowed.length > 1 ? "use PKCS5 or None" : "use None or send none"));
    }

    private record Oaep(RawCiphers.OaepHash hash, RawCiphers.OaepHash mgf) {
    }

    /** RSA-OAEP's hashes: Hashing Algorithm (default SHA-1) and MGF1's (default SHA-1, as KMIP says). */
    private static Oaep oaep(Ttlv params, Ttlv payload) {
        int padding = intOf(params, Tags.PADDING_METHOD).orElse(PAD_OAEP);
        if (padding != PAD_OAEP) {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Padding Method " + Enums.name(Tags.PADDING_METHOD, padding)
                    + " is not served for RSA encryption; use OAEP");
        }
        intOf(params, Tags.CRYPTOGRAPHIC_ALGORITHM).filter(a -> a != RSA).ifPresent(a -> {
            throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                    + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, a) + " does not match the RSA key");
        });
        if (params.first(Tags.BLOCK_CIPHER_MODE).isPresent() || payload.first(Tags.IV_COUNTER_NONCE).isPresent()
                || payload.first(Tags.AE_TAG).isPresent() || payload.first(Tags.AE_ADDITIONAL_DATA).isPresent()) {
            throw new KmipException(Reason.INVALID_FIELD, "RSA-OAEP takes no Block Cipher Mode, IV, tag or additional data");
        }
        params.first(Tags.MASK_GENERATOR).map(Ttlv::asInt).filter(m -> m != 1).ifPresent(m -> {
            throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "only the MGF1 Mask Generator is served");
        });
        RawCiphers.OaepHash hash = oaepHash(intOf(params, Tags.HASHING_ALGORITHM).orElse(SHA_1));
        RawCiphers.OaepHash mgf = oaepHash(intOf(params, Tags.MASK_GENERATOR_HASHING_ALGORITHM).orElse(SHA_1));
        return new Oaep(hash, mgf);
    }

    private static RawCiphers.OaepHash oaepHash(int h) {
        return switch (h) {
            case SHA_1 -> RawCiphers.OaepHash.SHA1;
            case SHA_256 -> RawCiphers.OaepHash.SHA256;
            case SHA_384 -> RawCiphers.OaepHash.SHA384;
            case SHA_512 -> RawCiphers.OaepHash.SHA512;
            default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Hashing Algorithm "
                    + hashName(h) + " is not served for RSA-OAEP; use SHA-1, SHA-256, SHA-384 or SHA-512");
        };
    }

    static String hashName(int h) {
        return switch (h) {
            case SHA_1 -> "SHA-1";
            case SHA_224 -> "SHA-224";
            case SHA_256 -> "SHA-256";
            case SHA_384 -> "SHA-384";
            case SHA_512 -> "SHA-512";
            default -> String.format("0x%08X", h);
        };
    }

    // ---------------------------------------------------------------- Sign, SignatureVerify

    List<Ttlv> sign(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.SIGN);
        if (t.publicUid) {
            throw new KmipException(Reason.INVALID_FIELD, "a Public Key cannot sign; use the Private Key " + t.key.id());
        }
        String scheme = scheme(t.key, payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS));
        requireUsable(core, t.key, t.publicUid, USAGE_SIGN, "Sign");
        Signed in = signedData(payload);
        String out = call(() -> core.crypto().sign(p, t.key.id(), in.data, in.prehashed, scheme).value());
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid),
                Ttlv.bytes(Tags.SIGNATURE_DATA, Ciphertexts.parse("signature", out).blob()));
    }

    List<Ttlv> signatureVerify(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.VERIFY);
        String scheme = scheme(t.key, payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS));
        requireUsable(core, t.key, t.publicUid, USAGE_VERIFY, "Signature Verify");
        Signed in = signedData(payload);
        byte[] signature = payload.required(Tags.SIGNATURE_DATA).asBytes();
        String formatted = Ciphertexts.format(t.key.primary().version(), signature);
        boolean ok = call(() -> core.crypto().verify(p, t.key.id(), in.data, in.prehashed, formatted, scheme));
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid),
                Ttlv.enumeration(Tags.VALIDITY_INDICATOR, ok ? VALID : INVALID));
    }

    private record Signed(byte[] data, boolean prehashed) {
    }

    private static Signed signedData(Ttlv payload) {
        Optional<Ttlv> data = payload.first(Tags.DATA);
        Optional<Ttlv> digest = payload.first(Tags.DIGESTED_DATA);
        if (data.isPresent() == digest.isPresent()) {
            throw new KmipException(Reason.INVALID_FIELD, "send the Data or its Digested Data, one of the two");
        }
        return data.map(d -> new Signed(d.asBytes(), false)).orElseGet(() -> new Signed(digest.get().asBytes(), true));
    }

    /**
     * The Keyward scheme the Cryptographic Parameters name for this key (null: the key's default):
     * by Digital Signature Algorithm, or by Cryptographic Algorithm, Padding Method and Hashing
     * Algorithm.
     */
    private static String scheme(KeyRecord k, Optional<Ttlv> params) {
        String family = k.algorithm().startsWith("rsa-") ? "rsa" : k.algorithm().startsWith("ec-") ? "ec"
                : k.algorithm().equals("ed25519") ? "ed25519" : null;
        if (family == null) {
            throw new KmipException(Reason.INVALID_FIELD, "object " + k.id() + " is a Keyward " + k.algorithm()
                    + " key; signatures need an RSA, EC or Ed25519 key");
        }
        if (params.isEmpty() || params.get().items().isEmpty()) {
            return null;
        }
        Ttlv c = params.get();
        Optional<Integer> dsa = intOf(c, Tags.DIGITAL_SIGNATURE_ALGORITHM);
        Optional<Integer> hash = intOf(c, Tags.HASHING_ALGORITHM);
        String scheme;
        if (dsa.isPresent()) {
            scheme = switch (dsa.get()) {
                case SHA256_WITH_RSA -> "rsa-pkcs1-sha256";
                case SHA384_WITH_RSA -> "rsa-pkcs1-sha384";
                case SHA512_WITH_RSA -> "rsa-pkcs1-sha512";
                case RSASSA_PSS -> "rsa-pss-" + sha2(hash.orElse(SHA_256));
                case ECDSA_WITH_SHA256 -> "ecdsa-sha256";
                case ECDSA_WITH_SHA384 -> "ecdsa-sha384";
                case ECDSA_WITH_SHA512 -> "ecdsa-sha512";
                default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Digital Signature Algorithm "
                        + String.format("0x%08X", dsa.get()) + " is not served; use SHA256/384/512 with RSA, RSASSA-PSS"
                        + " or ECDSA with SHA256/384/512");
            };
        } else {
            int alg = intOf(c, Tags.CRYPTOGRAPHIC_ALGORITHM).orElse(switch (family) {
                case "rsa" -> RSA;
                case "ec" -> ECDSA;
                default -> ED25519;
            });
            scheme = switch (alg) {
                case RSA -> {
                    int padding = intOf(c, Tags.PADDING_METHOD).orElse(PAD_PSS);
                    if (padding != PAD_PSS && padding != PAD_PKCS1V15) {
                        throw new KmipException(Reason.INVALID_FIELD, "Padding Method "
                                + Enums.name(Tags.PADDING_METHOD, padding) + " does not sign; use PSS or PKCS1v15");
                    }
                    yield (padding == PAD_PSS ? "rsa-pss-" : "rsa-pkcs1-") + sha2(hash.orElse(SHA_256));
                }
                case ECDSA, EC -> "ecdsa-" + sha2(hash.orElse(defaultCurveHash(k)));
                case ED25519 -> {
                    if (hash.isPresent()) {
                        throw new KmipException(Reason.INVALID_FIELD, "Ed25519 takes no Hashing Algorithm");
                    }
                    yield "ed25519";
                }
                default -> throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                        + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg) + " does not sign");
            };
        }
        String needed = scheme.startsWith("rsa-") ? "rsa" : scheme.startsWith("ecdsa-") ? "ec" : "ed25519";
        if (!needed.equals(family)) {
            throw new KmipException(Reason.INVALID_FIELD, "the Cryptographic Parameters ask for " + scheme
                    + ", which does not fit object " + k.id() + " (a Keyward " + k.algorithm() + " key)");
        }
        return scheme;
    }

    private static int defaultCurveHash(KeyRecord k) {
        return switch (k.algorithm()) {
            case "ec-p384" -> SHA_384;
            case "ec-p521" -> SHA_512;
            default -> SHA_256;
        };
    }

    /** "sha256" for SHA-256 etc.; other hashes are not served for signatures. */
    private static String sha2(int h) {
        return switch (h) {
            case SHA_256 -> "sha256";
            case SHA_384 -> "sha384";
            case SHA_512 -> "sha512";
            default -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "Hashing Algorithm " + hashName(h)
                    + " is not served here; use SHA-256, SHA-384 or SHA-512");
        };
    }

    // ---------------------------------------------------------------- MAC, MACVerify

    List<Ttlv> mac(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.MAC);
        String hash = macHash(t.key, payload);
        requireUsable(core, t.key, t.publicUid, USAGE_MAC_GENERATE, "MAC Generate");
        byte[] data = payload.required(Tags.DATA).asBytes();
        String out = call(() -> core.crypto().mac(p, t.key.id(), data, hash).value());
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid), Ttlv.bytes(Tags.MAC_DATA, Ciphertexts.parse("mac", out).blob()));
    }

    List<Ttlv> macVerify(Principal p, Ttlv payload, Operations.Batch b) {
        Target t = target(core, p, payload, b, Permission.VERIFY);
        String hash = macHash(t.key, payload);
        requireUsable(core, t.key, t.publicUid, USAGE_MAC_VERIFY, "MAC Verify");
        byte[] data = payload.required(Tags.DATA).asBytes();
        String formatted = Ciphertexts.format(t.key.primary().version(), payload.required(Tags.MAC_DATA).asBytes());
        boolean ok = call(() -> core.crypto().macVerify(p, t.key.id(), data, formatted, hash));
        return List.of(Ttlv.text(Tags.UNIQUE_IDENTIFIER, t.uid),
                Ttlv.enumeration(Tags.VALIDITY_INDICATOR, ok ? VALID : INVALID));
    }

    /** The HMAC hash the parameters name ("sha256" ...), null for the key's own. */
    private static String macHash(KeyRecord k, Ttlv payload) {
        if (!k.algorithm().startsWith("hmac-")) {
            throw new KmipException(Reason.INVALID_FIELD, "object " + k.id() + " is a Keyward " + k.algorithm()
                    + " key; MAC needs an HMAC key");
        }
        Optional<Integer> alg = payload.first(Tags.CRYPTOGRAPHIC_PARAMETERS).flatMap(c -> intOf(c, Tags.CRYPTOGRAPHIC_ALGORITHM));
        if (alg.isEmpty()) {
            return null;
        }
        return switch (alg.get()) {
            case HMAC_SHA224 -> "sha224";
            case HMAC_SHA256 -> "sha256";
            case HMAC_SHA384 -> "sha384";
            case HMAC_SHA512 -> "sha512";
            case HMAC_SHA1 -> throw new KmipException(Reason.FEATURE_NOT_SUPPORTED, "HMAC-SHA1 is not served; use HMAC-SHA256, -SHA384 or -SHA512");
            default -> throw new KmipException(Reason.INVALID_FIELD, "Cryptographic Algorithm "
                    + Enums.name(Tags.CRYPTOGRAPHIC_ALGORITHM, alg.get()) + " is no HMAC");
        };
    }

    // ---------------------------------------------------------------- shared

    /** The key a payload names, and whether it was named by its Public Key's UID. */
    record Target(KeyRecord key, String uid, boolean publicUid) {
    }

    static Target target(Core core, Principal p, Ttlv payload, Operations.Batch b, Permission right) {
        String uid = payload.first(Tags.UNIQUE_IDENTIFIER).map(Ttlv::asText).orElse(b.placeholder);
        if (uid == null) {
            throw new KmipException(Reason.INVALID_FIELD, "Unique Identifier is missing and no earlier item of the"
                    + " batch made an object");
        }
        KeyObjects.Ref ref = KeyObjects.parseUid(uid).orElseThrow(() -> new KmipException(Reason.ITEM_NOT_FOUND,
                "no object has the Unique Identifier given"));
        b.auditKey = ref.keyId();
        KeyRecord k = core.keys().getFor(p, ref.keyId(), right);
        b.auditKey = k.id();
        boolean pub = ref.publicHalf();
        if (pub && !KeyObjects.asymmetric(k)) {
            throw new KmipException(Reason.ITEM_NOT_FOUND, "no object has the Unique Identifier given");
        }
        return new Target(k, pub ? k.id() + KeyObjects.PUBLIC_SUFFIX : k.id(), pub);
    }

    /**
     * The object named (a key, or one half of a key pair) is not Pre-Active or destroyed, and its
     * usage mask allows {@code usage}. A key pair named by its Private Key's UID may also verify and
     * encrypt as its Public Key's mask allows (the public half does those).
     */
    static void requireUsable(Core core, KeyRecord k, boolean publicHalf, int usage, String operation) {
        int state = KeyObjects.state(k, publicHalf, core.clock().now());
        if (state == Enums.PRE_ACTIVE) {
            throw Operations.wrongState(k, state, "activate it first");
        }
        if (state == Enums.DESTROYED || state == Enums.DESTROYED_COMPROMISED) {
            throw Operations.wrongState(k, state, "a destroyed object cannot be used");
        }
        int mask = usageMask(k, publicHalf);
        if (!publicHalf && KeyObjects.asymmetric(k) && (usage == USAGE_VERIFY || usage == Enums.USAGE_ENCRYPT)) {
            mask |= usageMask(k, true);
        }
        if ((mask & usage) == 0) {
            throw new KmipException(Reason.PERMISSION_DENIED, "the Cryptographic Usage Mask of object " + k.id()
                    + (publicHalf ? KeyObjects.PUBLIC_SUFFIX : "") + " does not allow " + operation);
        }
    }

    /** The half's KMIP usage mask; a key made over REST (no mask) may do what its algorithm does. */
    static int usageMask(KeyRecord k, boolean publicHalf) {
        if (k.attributes().containsKey(publicHalf ? KeyObjects.PUBLIC_USAGE_ATTRIBUTE : KeyObjects.USAGE_ATTRIBUTE)) {
            return KeyObjects.usageMask(k, publicHalf);
        }
        return algorithmUsage(k.algorithm());
    }

    /** What a key of {@code a} may do when it was given no mask (made over REST): all its algorithm does. */
    private static int algorithmUsage(String a) {
        if (a.startsWith("aes-") || a.startsWith("chacha")) {
            return Enums.USAGE_ENCRYPT | Enums.USAGE_DECRYPT | USAGE_WRAP_KEY | 0x20 | USAGE_DERIVE_KEY;
        }
        if (a.startsWith("rsa-")) {
            return USAGE_SIGN | USAGE_VERIFY | Enums.USAGE_ENCRYPT | Enums.USAGE_DECRYPT;
        }
        if (a.startsWith("ec-") || a.equals("ed25519")) {
            return USAGE_SIGN | USAGE_VERIFY;
        }
        if (a.startsWith("hmac-")) {
            return USAGE_MAC_GENERATE | USAGE_MAC_VERIFY | USAGE_DERIVE_KEY;
        }
        return USAGE_DERIVE_KEY;
    }

    private static void requireRsaOrAes(Target t, String operation) {
        if (!t.key.algorithm().startsWith("aes-") && !t.key.algorithm().startsWith("rsa-")) {
            throw new KmipException(Reason.INVALID_FIELD, "object " + t.key.id() + " is a Keyward " + t.key.algorithm()
                    + " key; " + operation + " in a raw mode needs an AES or RSA key");
        }
    }

    /**
     * Runs a core call, turning the crypto barrier's input errors into Invalid Field and a
     * ciphertext or wrapped value that does not open into Cryptographic Failure.
     */
    static <T> T call(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (UnsupportedByAlgorithmException e) {
            throw new KmipException(Reason.INVALID_FIELD, e.getMessage());
        } catch (KwException e) {
            if (e.code() == keyward.core.ErrorCode.DECRYPTION_FAILED) {
                throw new KmipException(Reason.CRYPTOGRAPHIC_FAILURE, "decryption failed");
            }
            throw e;
        }
    }
}
