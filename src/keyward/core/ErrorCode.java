package keyward.core;

/** The error codes of the API contract, each with its HTTP status. */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request"),
    UNAUTHENTICATED(401, "unauthenticated"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    CONFLICT(409, "conflict"),
    TOO_LARGE(413, "too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    INVALID_STATE(422, "invalid_state"),
    DECRYPTION_FAILED(422, "decryption_failed"),
    TOO_MANY_REQUESTS(429, "too_many_requests"),
    INTERNAL(500, "internal"),
    UNAVAILABLE(503, "unavailable");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
