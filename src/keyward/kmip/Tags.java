package keyward.kmip;

import java.util.HashMap;
import java.util.Map;

/**
 * The KMIP tags this server reads or writes, with the names the JSON form of TTLV uses. Tags
 * outside the table still decode and encode (as {@code 0x42XXXX} in JSON); the table only names them.
 */
final class Tags {
    static final int ACTIVATION_DATE = 0x420001;
    static final int ATTRIBUTE = 0x420008;
    static final int ATTRIBUTE_INDEX = 0x420009;
    static final int ATTRIBUTE_NAME = 0x42000A;
    static final int ATTRIBUTE_VALUE = 0x42000B;
    static final int AUTHENTICATION = 0x42000C;
    static final int BATCH_COUNT = 0x42000D;
    static final int BATCH_ERROR_CONTINUATION_OPTION = 0x42000E;
    static final int BATCH_ITEM = 0x42000F;
    static final int BATCH_ORDER_OPTION = 0x420010;
    static final int BLOCK_CIPHER_MODE = 0x420011;
    static final int COMMON_TEMPLATE_ATTRIBUTE = 0x42001F;
    static final int COMPROMISE_DATE = 0x420020;
    static final int COMPROMISE_OCCURRENCE_DATE = 0x420021;
    static final int CRYPTOGRAPHIC_ALGORITHM = 0x420028;
    static final int CRYPTOGRAPHIC_DOMAIN_PARAMETERS = 0x420029;
    static final int CRYPTOGRAPHIC_LENGTH = 0x42002A;
    static final int CRYPTOGRAPHIC_PARAMETERS = 0x42002B;
    static final int CRYPTOGRAPHIC_USAGE_MASK = 0x42002C;
    static final int DEACTIVATION_DATE = 0x42002F;
    static final int INITIAL_DATE = 0x420039;
    static final int IV_COUNTER_NONCE = 0x42003D;
    static final int KEY_BLOCK = 0x420040;
    static final int KEY_COMPRESSION_TYPE = 0x420041;
    static final int KEY_FORMAT_TYPE = 0x420042;
    static final int KEY_MATERIAL = 0x420043;
    static final int KEY_VALUE = 0x420045;
    static final int KEY_WRAPPING_DATA = 0x420046;
    static final int KEY_WRAPPING_SPECIFICATION = 0x420047;
    static final int LAST_CHANGE_DATE = 0x420048;
    static final int LEASE_TIME = 0x420049;
    static final int LINK = 0x42004A;
    static final int LINK_TYPE = 0x42004B;
    static final int LINKED_OBJECT_IDENTIFIER = 0x42004C;
    static final int MAXIMUM_ITEMS = 0x42004F;
    static final int MAXIMUM_RESPONSE_SIZE = 0x420050;
    static final int NAME = 0x420053;
    static final int NAME_TYPE = 0x420054;
    static final int NAME_VALUE = 0x420055;
    static final int OBJECT_GROUP = 0x420056;
    static final int OBJECT_TYPE = 0x420057;
    static final int OFFSET = 0x420058;
    static final int OPAQUE_DATA_TYPE = 0x420059;
    static final int OPAQUE_DATA_VALUE = 0x42005A;
    static final int OPAQUE_OBJECT = 0x42005B;
    static final int OPERATION = 0x42005C;
    static final int PADDING_METHOD = 0x42005F;
    static final int PRIVATE_KEY = 0x420064;
    static final int PRIVATE_KEY_TEMPLATE_ATTRIBUTE = 0x420065;
    static final int PRIVATE_KEY_UNIQUE_IDENTIFIER = 0x420066;
    static final int PROTOCOL_VERSION = 0x420069;
    static final int PROTOCOL_VERSION_MAJOR = 0x42006A;
    static final int PROTOCOL_VERSION_MINOR = 0x42006B;
    static final int PUBLIC_KEY = 0x42006D;
    static final int PUBLIC_KEY_TEMPLATE_ATTRIBUTE = 0x42006E;
    static final int PUBLIC_KEY_UNIQUE_IDENTIFIER = 0x42006F;
    static final int QUERY_FUNCTION = 0x420074;
    static final int RECOMMENDED_CURVE = 0x420075;
    static final int REQUEST_HEADER = 0x420077;
    static final int REQUEST_MESSAGE = 0x420078;
    static final int REQUEST_PAYLOAD = 0x420079;
    static final int RESPONSE_HEADER = 0x42007A;
    static final int RESPONSE_MESSAGE = 0x42007B;
    static final int RESPONSE_PAYLOAD = 0x42007C;
    static final int RESULT_MESSAGE = 0x42007D;
    static final int RESULT_REASON = 0x42007E;
    static final int RESULT_STATUS = 0x42007F;
    static final int REVOCATION_MESSAGE = 0x420080;
    static final int REVOCATION_REASON = 0x420081;
    static final int REVOCATION_REASON_CODE = 0x420082;
    static final int SECRET_DATA = 0x420085;
    static final int SECRET_DATA_TYPE = 0x420086;
    static final int SERVER_INFORMATION = 0x420088;
    static final int STATE = 0x42008D;
    static final int STORAGE_STATUS_MASK = 0x42008E;
    static final int SYMMETRIC_KEY = 0x42008F;
    static final int TEMPLATE_ATTRIBUTE = 0x420091;
    static final int TIME_STAMP = 0x420092;
    static final int UNIQUE_BATCH_ITEM_ID = 0x420093;
    static final int UNIQUE_IDENTIFIER = 0x420094;
    static final int USAGE_LIMITS_COUNT = 0x420096;
    static final int VENDOR_IDENTIFICATION = 0x42009D;
    static final int DATA = 0x4200C2;
    static final int RANDOM_IV = 0x4200C5;
    static final int TAG_LENGTH = 0x4200CE;
    static final int OFFSET_ITEMS = 0x4200D4;
    static final int LOCATED_ITEMS = 0x4200D5;
    static final int AE_ADDITIONAL_DATA = 0x4200FE;
    static final int AE_TAG = 0x4200FF;
    static final int SENSITIVE = 0x420120;
    static final int EXTRACTABLE = 0x420122;
    static final int ATTRIBUTES = 0x420125;
    static final int COMMON_ATTRIBUTES = 0x420126;
    static final int PRIVATE_KEY_ATTRIBUTES = 0x420127;
    static final int PUBLIC_KEY_ATTRIBUTES = 0x420128;
    static final int ATTRIBUTE_REFERENCE = 0x42013B;
    static final int CURRENT_ATTRIBUTE = 0x42013C;
    static final int NEW_ATTRIBUTE = 0x42013D;
    static final int PROTECTION_STORAGE_MASKS = 0x42015F;

    // the cryptographic operations (CryptoOps)
    static final int DERIVATION_DATA = 0x420030;
    static final int DERIVATION_METHOD = 0x420031;
    static final int DERIVATION_PARAMETERS = 0x420032;
    static final int ENCRYPTION_KEY_INFORMATION = 0x420036;
    static final int HASHING_ALGORITHM = 0x420038;
    static final int INITIALIZATION_VECTOR = 0x42003A;
    static final int ITERATION_COUNT = 0x42003C;
    static final int MAC_SIGNATURE_KEY_INFORMATION = 0x42004E;
    static final int SALT = 0x420084;
    static final int VALIDITY_INDICATOR = 0x42009B;
    static final int WRAPPING_METHOD = 0x42009E;
    static final int ENCODING_OPTION = 0x4200A3;
    static final int DIGITAL_SIGNATURE_ALGORITHM = 0x4200AE;
    static final int SIGNATURE_DATA = 0x4200C3;
    static final int MAC_DATA = 0x4200C6;
    static final int IV_LENGTH = 0x4200CD;
    static final int FIXED_FIELD_LENGTH = 0x4200CF;
    static final int COUNTER_LENGTH = 0x4200D0;
    static final int INITIAL_COUNTER_VALUE = 0x4200D1;
    static final int INVOCATION_FIELD_LENGTH = 0x4200D2;
    static final int MASK_GENERATOR = 0x420101;
    static final int MASK_GENERATOR_HASHING_ALGORITHM = 0x420102;
    static final int DIGESTED_DATA = 0x420107;

    private static final Map<Integer, String> NAMES = new HashMap<>();
    private static final Map<String, Integer> CODES = new HashMap<>();

    static {
        for (java.lang.reflect.Field f : Tags.class.getDeclaredFields()) {
            if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                try {
                    put(f.getInt(null), camel(f.getName()));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        // the names the specification writes differently from the constant
        put(AE_ADDITIONAL_DATA, "AuthenticatedEncryptionAdditionalData");
        put(AE_TAG, "AuthenticatedEncryptionTag");
        put(IV_COUNTER_NONCE, "IVCounterNonce");
        put(TEMPLATE_ATTRIBUTE, "TemplateAttribute");
        put(COMMON_TEMPLATE_ATTRIBUTE, "CommonTemplateAttribute");
        put(PRIVATE_KEY_TEMPLATE_ATTRIBUTE, "PrivateKeyTemplateAttribute");
        put(PUBLIC_KEY_TEMPLATE_ATTRIBUTE, "PublicKeyTemplateAttribute");
        put(RANDOM_IV, "RandomIV");
        put(MAC_SIGNATURE_KEY_INFORMATION, "MACSignatureKeyInformation");
        put(MAC_DATA, "MACData");
        put(IV_LENGTH, "IVLength");
    }

    private Tags() {
    }

    private static void put(int code, String name) {
        String old = NAMES.put(code, name);
        if (old != null) {
            CODES.remove(old);
        }
        CODES.put(name, code);
    }

    /** UNIQUE_IDENTIFIER to UniqueIdentifier. */
    private static String camel(String constant) {
        StringBuilder sb = new StringBuilder();
        for (String part : constant.split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    /** The tag's name, or {@code 0x42XXXX} when the table does not know it. */
    static String name(int tag) {
        String n = NAMES.get(tag);
        return n != null ? n : hex(tag);
    }

    static String hex(int tag) {
        return String.format("0x%06X", tag);
    }

    /** The tag of a name or of a {@code 0x42XXXX} hex form; -1 if it is neither. */
    static int code(String name) {
        Integer c = CODES.get(name);
        if (c != null) {
            return c;
        }
        if (name.length() == 8 && (name.startsWith("0x") || name.startsWith("0X"))) {
            try {
                int v = Integer.parseInt(name.substring(2), 16);
                return v >= 0 ? v : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
