package keyward.core;

import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * Who may do what with a key. The owner holds every operation; others need a grant naming the
 * operation, for themselves or for "*". Admins see every key's metadata ("get") but need a grant
 * like anyone else to use or export material. A key the caller may not see at all is reported as
 * not found, never as forbidden, so that names do not leak.
 */
final class Policy {
    private Policy() {
    }

    static boolean visible(Principal p, KeyRecord k) {
        return p.admin() || p.user().equals(k.owner()) || k.grants().containsKey(p.user())
                || k.grants().containsKey(Grants.EVERYONE);
    }

    static boolean allowed(Principal p, KeyRecord k, Permission operation) {
        if (p.user().equals(k.owner())) {
            return true;
        }
        if (p.admin() && operation == Permission.GET) {
            return true;
        }
        Set<Permission> mine = k.grants().get(p.user());
        if (mine != null && mine.contains(operation)) {
            return true;
        }
        Set<Permission> everyone = k.grants().get(Grants.EVERYONE);
        return everyone != null && everyone.contains(operation);
    }

    /** Throws not_found when the key is invisible to the caller, forbidden when the operation is not granted. */
    static void check(Principal p, KeyRecord k, Permission operation, String ref) {
        if (!visible(p, k)) {
            throw KwException.notFound("key '" + ref + "'");
        }
        if (!allowed(p, k, operation)) {
            throw KwException.forbidden("user '" + p.user() + "' may not " + operation.wire() + " with key '" + ref + "'");
        }
    }

    /**
     * Grants are managed by the key's owner; by admins too only where {@code adminCanGrant} (the
     * admin_can_grant setting), since a grant is how an admin would reach another user's material.
     */
    static void checkManageGrants(Principal p, KeyRecord k, String ref, boolean adminCanGrant) {
        if (!visible(p, k)) {
            throw KwException.notFound("key '" + ref + "'");
        }
        if (p.user().equals(k.owner()) || (p.admin() && adminCanGrant)) {
            return;
        }
        throw KwException.forbidden(p.admin()
                ? "only the owner manages grants of key '" + ref + "' (admins too where admin_can_grant = true)"
                : "only the owner manages grants of key '" + ref + "'");
    }
}
