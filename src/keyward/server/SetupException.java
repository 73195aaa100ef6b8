package keyward.server;

/**
 * The deployment's pieces do not fit together (no master key file, or a master key that does not
 * open the database's canary): the operator can fix it, and the message says how. Never holds
 * key material.
 */
public final class SetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
        super(message);
    }
}
