package keyward.http.wire;

/** A request head the server will not take: answered with {@code status} and the connection closed. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    /** The raw path of the request when its line was read, else null. */
    final String rawPath;

    Refusal(int status, String message, String rawPath) {
        super(message, null, false, false);
        this.status = status;
        this.rawPath = rawPath;
    }

    Refusal(int status, String message) {
        this(status, message, null);
    }
}
