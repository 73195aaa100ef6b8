package keyward.core;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import keyward.crypto.Operation;
import keyward.store.Permission;

/** Grants (api.md, Access): who holds which {@link Permission}s on a key. The owner holds them all. */
public final class Grants {
    /** Every authenticated user. */
    public static final String EVERYONE = "*";

    private Grants() {
    }

    /** The permission a cryptographic operation needs: mac-verify needs verify, the public key needs get. */
    static Permission needed(Operation op) {
        return switch (op) {
            case ENCRYPT -> Permission.ENCRYPT;
            case DECRYPT -> Permission.DECRYPT;
            case REWRAP -> Permission.REWRAP;
            case DATAKEY -> Permission.DATAKEY;
            case SIGN -> Permission.SIGN;
            case VERIFY, MAC_VERIFY -> Permission.VERIFY;
            case MAC -> Permission.MAC;
            case PUBLIC_KEY -> Permission.GET;
            case EXPORT -> Permission.EXPORT;
        };
    }

    /** The permissions a request names; an unknown name is a 400 naming {@code field} and what is allowed. */
    static Set<Permission> parse(String field, List<String> names) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        for (String name : names) {
            out.add(Permission.parse(name).orElseThrow(() -> KwException.invalid(
                    "field '" + field + "' has an unknown operation; allowed: " + Permission.names())));
        }
        return out;
    }
}
