package keyward.core;

import java.util.List;

/**
 * What the core needs from the configuration, mapped by Main so the core does not depend on how
 * configuration is read.
 *
 * @param cacheTtlMillis     how stale a cached key or token may be (0..5000); a revocation made on
 *                           another instance takes effect here within this bound
 * @param createUsers        users allowed to create keys; empty = every authenticated user
 * @param adminCanGrant      admins may change the grants of any user's key (a deliberate power:
 *                           with it an admin can grant itself export); otherwise only the owner
 */
public record Settings(long cacheTtlMillis, int pendingDaysDefault, int pendingDaysMin, List<String> createUsers,
                       String nodeName, boolean adminCanGrant) {
    public Settings {
        createUsers = List.copyOf(createUsers);
    }

    public static Settings defaults(String nodeName) {
        return new Settings(1000, 7, 7, List.of(), nodeName, false);
    }
}
