package keyward.core;

/**
 * The one exception type the core throws for expected failures. Its message is shown to the
 * caller, so it names fields and objects and never carries a secret.
 */
public final class KwException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public KwException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static KwException invalid(String message) {
        return new KwException(ErrorCode.INVALID_REQUEST, message);
    }

    public static KwException notFound(String what) {
        return new KwException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public static KwException invalidState(String message) {
        return new KwException(ErrorCode.INVALID_STATE, message);
    }

    public static KwException forbidden(String message) {
        return new KwException(ErrorCode.FORBIDDEN, message);
    }

    public static KwException conflict(String message) {
        return new KwException(ErrorCode.CONFLICT, message);
    }

    /** The one message every decrypt/verify failure gives, whatever the cause. */
    public static KwException decryptionFailed() {
        return new KwException(ErrorCode.DECRYPTION_FAILED, "decryption failed");
    }
}
