package keyward.cli;

/** A command failed for a reason the operator can fix; the message says which and how. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }
}
