package keyward.ops;

/**
 * A backup, restore or migration cannot go on for a reason the operator can act on: a damaged or
 * truncated backup, a backup made under another master key, a target that is not empty, counts
 * that do not match after a copy. The message names the file or database and the fix; it never
 * carries key material or says why a chunk failed to open.
 */
public final class OpsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpsException(String message) {
        super(message);
    }
}
