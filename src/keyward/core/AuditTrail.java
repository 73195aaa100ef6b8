package keyward.core;

/**
 * Where every request that reaches an operation is recorded, denied ones included. Fields never
 * carry secrets: the user, the operation name, the key reference from the path, the outcome code
 * ("ok" or an error code), the remote address.
 */
public interface AuditTrail {
    void record(String user, String operation, String keyRef, String outcome, String remote);

    /** Records nothing (tests of other parts, offline commands). */
    AuditTrail NONE = (user, operation, keyRef, outcome, remote) -> { };
}
