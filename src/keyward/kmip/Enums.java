package keyward.kmip;

import java.util.HashMap;
import java.util.Map;

/**
 * The enumerations this server reads or writes, by the tag that carries them, with the names of
 * the JSON form. Values outside a table still pass (as {@code 0x0000000A} in JSON).
 */
final class Enums {
    // Object Type
    static final int SYMMETRIC_KEY = 0x02;
    static final int PUBLIC_KEY = 0x03;
    static final int PRIVATE_KEY = 0x04;
    static final int SECRET_DATA = 0x07;
    static final int OPAQUE_OBJECT = 0x08;
    // Cryptographic Algorithm
    static final int AES = 0x03;
    static final int RSA = 0x04;
    static final int ECDSA = 0x06;
    static final int HMAC_SHA256 = 0x09;
    static final int HMAC_SHA384 = 0x0A;
    static final int HMAC_SHA512 = 0x0B;
    static final int EC = 0x1A;
    static final int ED25519 = 0x37;
    // Recommended Curve
    static final int P_256 = 0x07;
    static final int P_384 = 0x0A;
    static final int P_521 = 0x0D;
    // Secret Data Type
    static final int SECRET_PASSWORD = 1;
    static final int SECRET_SEED = 2;
    // Link Type
    static final int PUBLIC_KEY_LINK = 0x102;
    static final int PRIVATE_KEY_LINK = 0x103;
    static final int REPLACEMENT_OBJECT_LINK = 0x106;
    static final int REPLACED_OBJECT_LINK = 0x107;
    // State
    static final int PRE_ACTIVE = 1;
    static final int ACTIVE = 2;
    static final int DEACTIVATED = 3;
    static final int COMPROMISED = 4;
    static final int DESTROYED = 5;
    static final int DESTROYED_COMPROMISED = 6;
    // Result Status
    static final int SUCCESS = 0;
    static final int OPERATION_FAILED = 1;
    // Key Format Type
    static final int RAW = 1;
    static final int OPAQUE = 2;
    static final int PKCS1 = 3;
    static final int PKCS8 = 4;
    static final int X509 = 5;
    static final int TRANSPARENT_SYMMETRIC_KEY = 7;
    // Name Type
    static final int UNINTERPRETED_TEXT_STRING = 1;
    // Block Cipher Mode
    static final int GCM = 9;
    // Query Function
    static final int QUERY_OPERATIONS = 1;
    static final int QUERY_OBJECTS = 2;
    static final int QUERY_SERVER_INFORMATION = 3;
    // Revocation Reason Code
    static final int KEY_COMPROMISE = 2;
    static final int CA_COMPROMISE = 3;
    // Batch Error Continuation Option
    static final int CONTINUE = 1;
    // Cryptographic Usage Mask bits
    static final int USAGE_SIGN = 0x01;
    static final int USAGE_VERIFY = 0x02;
    static final int USAGE_ENCRYPT = 0x04;
    static final int USAGE_DECRYPT = 0x08;
    static final int USAGE_MAC_GENERATE = 0x80;
    static final int USAGE_MAC_VERIFY = 0x100;

    private static final Map<Integer, Map<Integer, String>> NAMES = new HashMap<>();
    private static final Map<Integer, Map<String, Integer>> CODES = new HashMap<>();

    static {
        table(Tags.OPERATION, Op.names());
        table(Tags.OBJECT_TYPE, "Certificate", "SymmetricKey", "PublicKey", "PrivateKey", "SplitKey", "Template",
                "SecretData", "OpaqueObject", "PGPKey", "CertificateRequest");
        table(Tags.RESULT_STATUS, 0, "Success", "OperationFailed", "OperationPending", "OperationUndone");
        for (Reason r : Reason.values()) {
            put(Tags.RESULT_REASON, r.code, r.jsonName);
        }
        table(Tags.CRYPTOGRAPHIC_ALGORITHM, "DES", "THREE_DES", "AES", "RSA", "DSA", "ECDSA", "HMACSHA1",
                "HMACSHA224", "HMACSHA256", "HMACSHA384", "HMACSHA512", "HMACMD5", "DH", "ECDH", "ECMQV",
                "Blowfish", "Camellia", "CAST5", "IDEA", "MARS", "RC2", "RC4", "RC5", "SKIPJACK", "Twofish", "EC",
                "OneTimePad", "ChaCha20", "Poly1305", "ChaCha20Poly1305");
        put(Tags.CRYPTOGRAPHIC_ALGORITHM, ED25519, "Ed25519");
        table(Tags.RECOMMENDED_CURVE, "P_192", "K_163", "B_163", "P_224", "K_233", "B_233", "P_256", "K_283", "B_283",
                "P_384", "K_409", "B_409", "P_521");
        table(Tags.SECRET_DATA_TYPE, "Password", "Seed");
        table(Tags.LINK_TYPE, 0x101, "CertificateLink", "PublicKeyLink", "PrivateKeyLink", "DerivationBaseObjectLink",
                "DerivedKeyLink", "ReplacementObjectLink", "ReplacedObjectLink", "ParentLink", "ChildLink",
                "PreviousLink", "NextLink");
        table(Tags.STATE, "PreActive", "Active", "Deactivated", "Compromised", "Destroyed", "DestroyedCompromised");
        table(Tags.NAME_TYPE, "UninterpretedTextString", "URI");
        table(Tags.KEY_FORMAT_TYPE, "Raw", "Opaque", "PKCS1", "PKCS8", "X509", "ECPrivateKey",
                "TransparentSymmetricKey");
        table(Tags.BLOCK_CIPHER_MODE, "CBC", "ECB", "PCBC", "CFB", "OFB", "CTR", "CMAC", "CCM", "GCM", "CBCMAC",
                "XTS", "AESKeyWrapPadding", "NISTKeyWrap", "X9102AESKW", "X9102TDKW", "X9102AKW1", "X9102AKW2",
                "AEAD");
        table(Tags.PADDING_METHOD, "None", "OAEP", "PKCS5", "SSL3", "Zeros", "ANSIX923", "ISO10126", "PKCS1v15",
                "X931", "PSS");
        table(Tags.QUERY_FUNCTION, "QueryOperations", "QueryObjects", "QueryServerInformation",
                "QueryApplicationNamespaces", "QueryExtensionList", "QueryExtensionMap", "QueryAttestationTypes",
                "QueryRNGs", "QueryValidations", "QueryProfiles", "QueryCapabilities", "QueryClientRegistrationMethods");
        table(Tags.REVOCATION_REASON_CODE, "Unspecified", "KeyCompromise", "CACompromise", "AffiliationChanged",
                "Superseded", "CessationOfOperation", "PrivilegeWithdrawn");
        table(Tags.BATCH_ERROR_CONTINUATION_OPTION, "Continue", "Stop", "Undo");
        // the cryptographic operations (CryptoOps)
        String[] hashes = {"MD2", "MD4", "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "RIPEMD160", "Tiger",
            "Whirlpool", "SHA512224", "SHA512256", "SHA3224", "SHA3256", "SHA3384", "SHA3512"};
        table(Tags.HASHING_ALGORITHM, hashes);
        table(Tags.MASK_GENERATOR_HASHING_ALGORITHM, hashes);
        table(Tags.DIGITAL_SIGNATURE_ALGORITHM, "MD2WithRSAEncryption", "MD5WithRSAEncryption",
                "SHA1WithRSAEncryption", "SHA224WithRSAEncryption", "SHA256WithRSAEncryption",
                "SHA384WithRSAEncryption", "SHA512WithRSAEncryption", "RSASSAPSS", "DSAWithSHA1", "DSAWithSHA224",
                "DSAWithSHA256", "ECDSAWithSHA1", "ECDSAWithSHA224", "ECDSAWithSHA256", "ECDSAWithSHA384",
                "ECDSAWithSHA512");
        table(Tags.DERIVATION_METHOD, "PBKDF2", "HASH", "HMAC", "ENCRYPT", "NIST800108C", "NIST800108F",
                "NIST800108DPI", "AsymmetricKey", "AWSSignatureVersion4", "HKDF");
        table(Tags.WRAPPING_METHOD, "Encrypt", "MACSign", "EncryptThenMACSign", "MACSignThenEncrypt", "TR31");
        table(Tags.ENCODING_OPTION, "NoEncoding", "TTLVEncoding");
        table(Tags.VALIDITY_INDICATOR, "Valid", "Invalid", "Unknown");
        table(Tags.MASK_GENERATOR, "MGF1");
    }

    private Enums() {
    }

    private static void table(int tag, String... names) {
        table(tag, 1, names);
    }

    private static void table(int tag, int first, String... names) {
        for (int i = 0; i < names.length; i++) {
            put(tag, first + i, names[i]);
        }
    }

    private static void put(int tag, int code, String name) {
        NAMES.computeIfAbsent(tag, t -> new HashMap<>()).put(code, name);
        CODES.computeIfAbsent(tag, t -> new HashMap<>()).put(name, code);
    }

    /** The name of {@code value} under {@code tag}, or its {@code 0x0000000A} hex form. */
    static String name(int tag, int value) {
        String n = NAMES.getOrDefault(tag, Map.of()).get(value);
        return n != null ? n : String.format("0x%08X", value);
    }

    /** The value of a name (or hex form) under {@code tag}; null if it is neither. */
    static Integer code(int tag, String name) {
        Integer c = CODES.getOrDefault(tag, Map.of()).get(name);
        if (c != null) {
            return c;
        }
        if (name.length() >= 3 && name.length() <= 10 && (name.startsWith("0x") || name.startsWith("0X"))) {
            try {
                return (int) Long.parseLong(name.substring(2), 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
