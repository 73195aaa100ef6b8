package keyward.core;

import java.util.List;
import java.util.Set;

/** The operations a grant can name (api.md, Access). The owner holds them all. */
public final class Grants {
    public static final List<String> OPERATIONS = List.of("get", "encrypt", "decrypt", "rewrap", "datakey",
            "sign", "verify", "mac", "rotate", "revoke", "destroy", "export", "update");
    private static final Set<String> KNOWN = Set.copyOf(OPERATIONS);

    /** Every authenticated user. */
    public static final String EVERYONE = "*";

    private Grants() {
    }

    public static boolean known(String operation) {
        return KNOWN.contains(operation);
    }
}
