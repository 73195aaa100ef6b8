package keyward.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An operation a grant can allow on a key (api.md, Access), with the name every wire format
 * uses. Not the same set as the cryptographic operations: mac-verify needs {@link #VERIFY}, the
 * public key needs {@link #GET}, and rotate, revoke, destroy and update are not cryptography.
 */
public enum Permission {
    GET("get"),
    ENCRYPT("encrypt"),
    DECRYPT("decrypt"),
    REWRAP("rewrap"),
    DATAKEY("datakey"),
    SIGN("sign"),
    VERIFY("verify"),
    MAC("mac"),
    ROTATE("rotate"),
    REVOKE("revoke"),
    DESTROY("destroy"),
    EXPORT("export"),
    UPDATE("update");

    private final String wire;

    Permission(String wire) {
        this.wire = wire;
    }

    /** The name in every wire and storage format. */
    public String wire() {
        return wire;
    }

    /** The permission with this wire name, exact match. */
    public static Optional<Permission> parse(String wire) {
        for (Permission p : values()) {
            if (p.wire.equals(wire)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The wire names in declaration order, for messages that list what is allowed. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Permission p : values()) {
            out.add(p.wire);
        }
        return out;
    }

    /**
     * The wire names of {@code granted} in string order: the order stored grants, replication
     * documents and the merge's tie-break have always used, so it must not follow the enum's.
     */
    public static List<String> sortedNames(Set<Permission> granted) {
        TreeSet<String> names = new TreeSet<>();
        granted.forEach(p -> names.add(p.wire));
        return List.copyOf(names);
    }

    /** The message for a name read from storage or a peer that is not a permission. */
    public static String unknown(String wire) {
        return "unknown granted operation '" + wire + "'; known: " + names();
    }
}
