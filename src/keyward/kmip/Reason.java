package keyward.kmip;

/** The KMIP result reasons this server answers with, and their enumeration values. */
public enum Reason {
    ITEM_NOT_FOUND(0x01, "ItemNotFound"),
    RESPONSE_TOO_LARGE(0x02, "ResponseTooLarge"),
    AUTHENTICATION_NOT_SUCCESSFUL(0x03, "AuthenticationNotSuccessful"),
    INVALID_MESSAGE(0x04, "InvalidMessage"),
    OPERATION_NOT_SUPPORTED(0x05, "OperationNotSupported"),
    MISSING_DATA(0x06, "MissingData"),
    INVALID_FIELD(0x07, "InvalidField"),
    FEATURE_NOT_SUPPORTED(0x08, "FeatureNotSupported"),
    CRYPTOGRAPHIC_FAILURE(0x0A, "CryptographicFailure"),
    ILLEGAL_OPERATION(0x0B, "IllegalOperation"),
    PERMISSION_DENIED(0x0C, "PermissionDenied"),
    KEY_FORMAT_TYPE_NOT_SUPPORTED(0x10, "KeyFormatTypeNotSupported"),
    OBJECT_ALREADY_EXISTS(0x18, "ObjectAlreadyExists"),
    /** Defined from KMIP 2.0; 1.x answers carry {@link #ILLEGAL_OPERATION} instead. */
    WRONG_KEY_LIFECYCLE_STATE(0x43, "WrongKeyLifecycleState"),
    GENERAL_FAILURE(0x100, "GeneralFailure");

    final int code;
    final String jsonName;

    Reason(int code, String jsonName) {
        this.code = code;
        this.jsonName = jsonName;
    }

    /** The audit outcome of an item failed for this reason, in the style of the REST error codes. */
    String auditCode() {
        return switch (this) {
            case ITEM_NOT_FOUND -> "not_found";
            case PERMISSION_DENIED -> "forbidden";
            case AUTHENTICATION_NOT_SUCCESSFUL -> "unauthenticated";
            case WRONG_KEY_LIFECYCLE_STATE, ILLEGAL_OPERATION -> "invalid_state";
            case CRYPTOGRAPHIC_FAILURE -> "decryption_failed";
            case OPERATION_NOT_SUPPORTED, FEATURE_NOT_SUPPORTED -> "not_supported";
            case GENERAL_FAILURE -> "internal";
            default -> "invalid_request";
        };
    }
}
