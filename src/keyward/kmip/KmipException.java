package keyward.kmip;

/**
 * An expected KMIP failure: the result reason and a message for the client. The message names
 * fields and objects and never carries a secret.
 */
public final class KmipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public KmipException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
