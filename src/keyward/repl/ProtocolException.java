package keyward.repl;

/** A peer sent something malformed or out of bounds; the connection is dropped. Names the field, never values. */
final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
