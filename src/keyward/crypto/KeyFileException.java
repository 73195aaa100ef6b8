package keyward.crypto;

/**
 * A key file (KEK, pepper, audit key) could not be read or written: missing, unreadable, open to
 * group or others, malformed, or already present when creating. The message names the path and
 * the fix, never the file's content. Unchecked: callers are start-up code that reports and exits.
 */
public final class KeyFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
