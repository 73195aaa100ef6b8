package keyward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private static final Principal OWNER = new Principal("alice", false);
    private static final Principal GRANTEE = new Principal("bob", false);
    private static final Principal STRANGER = new Principal("carol", false);
    private static final Principal ADMIN = new Principal("root", true);

    private static KeyRecord key(Map<String, Set<Permission>> grants) {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = "0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b";
        b.name = "payments";
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = OWNER.user();
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = b.updatedAt = b.rotatedAt = Instant.EPOCH;
        b.versions = List.of(new KeyVersion(1, 5, "kek", new byte[1], null, Instant.EPOCH));
        b.grants = grants;
        b.rowVersion = 1;
        return b.build();
    }

    @Test
    void owner_mayDoEveryOperation() {
        KeyRecord k = key(Map.of());
        for (Permission op : Permission.values()) {
            assertTrue(Policy.allowed(OWNER, k, op), op.wire());
        }
    }

    @Test
    void grantee_mayDoExactlyWhatIsGranted() {
        KeyRecord k = key(Map.of("bob", EnumSet.of(Permission.ENCRYPT)));
        assertTrue(Policy.allowed(GRANTEE, k, Permission.ENCRYPT));
        assertFalse(Policy.allowed(GRANTEE, k, Permission.DECRYPT));
        assertFalse(Policy.allowed(GRANTEE, k, Permission.GET));
        assertFalse(Policy.allowed(STRANGER, k, Permission.ENCRYPT));
    }

    @Test
    void everyoneGrant_reachesEveryUser_forItsOperationsOnly() {
        KeyRecord k = key(Map.of(Grants.EVERYONE, EnumSet.of(Permission.VERIFY)));
        assertTrue(Policy.visible(STRANGER, k));
        assertTrue(Policy.allowed(STRANGER, k, Permission.VERIFY));
        assertFalse(Policy.allowed(STRANGER, k, Permission.SIGN));
    }

    @Test
    void admin_seesMetadata_butNeedsAGrantForMaterial() {
        KeyRecord k = key(Map.of());
        assertTrue(Policy.visible(ADMIN, k));
        assertTrue(Policy.allowed(ADMIN, k, Permission.GET));
        assertFalse(Policy.allowed(ADMIN, k, Permission.DECRYPT));
        assertFalse(Policy.allowed(ADMIN, k, Permission.EXPORT));
    }

    @Test
    void check_invisibleKey_isNotFound_visibleButUngranted_isForbidden() {
        KeyRecord k = key(Map.of("bob", EnumSet.of(Permission.ENCRYPT)));
        KwException hidden = assertThrows(KwException.class, () -> Policy.check(STRANGER, k, Permission.GET, "payments"));
        assertEquals(ErrorCode.NOT_FOUND, hidden.code());
        KwException refused = assertThrows(KwException.class, () -> Policy.check(GRANTEE, k, Permission.DECRYPT, "payments"));
        assertEquals(ErrorCode.FORBIDDEN, refused.code());
    }

    @Test
    void emptyGrant_makesTheKeyVisible_butAllowsNothing() {
        KeyRecord k = key(Map.of("bob", Set.of()));
        assertTrue(Policy.visible(GRANTEE, k));
        KwException e = assertThrows(KwException.class, () -> Policy.check(GRANTEE, k, Permission.GET, "payments"));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
    }

    @Test
    void manageGrants_ownerAlways_adminOnlyWhereAdminCanGrant_granteeNever() {
        KeyRecord k = key(Map.of("bob", EnumSet.allOf(Permission.class)));
        Policy.checkManageGrants(OWNER, k, "payments", false);
        Policy.checkManageGrants(ADMIN, k, "payments", true);
        KwException admin = assertThrows(KwException.class, () -> Policy.checkManageGrants(ADMIN, k, "payments", false));
        assertEquals(ErrorCode.FORBIDDEN, admin.code());
        assertTrue(admin.getMessage().contains("admin_can_grant"), admin.getMessage());
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(KwException.class,
                () -> Policy.checkManageGrants(GRANTEE, k, "payments", true)).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(KwException.class,
                () -> Policy.checkManageGrants(STRANGER, k, "payments", true)).code());
    }
}
