package keyward.crypto;

import java.util.Optional;

/**
 * The cryptographic operations a key can offer, with the names used in the HTTP API and in grants.
 * See {@link Algorithm#supports(Operation)} for which algorithm offers which.
 */
public enum Operation {
    ENCRYPT("encrypt"),
    DECRYPT("decrypt"),
    REWRAP("rewrap"),
    DATAKEY("datakey"),
    SIGN("sign"),
    VERIFY("verify"),
    MAC("mac"),
    MAC_VERIFY("mac-verify"),
    PUBLIC_KEY("public"),
    EXPORT("export");

    private final String id;

    Operation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The operation with this API name, exact match. */
    public static Optional<Operation> parse(String id) {
        for (Operation op : values()) {
            if (op.id.equals(id)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
