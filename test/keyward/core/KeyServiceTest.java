package keyward.core;

import static keyward.core.CoreFixture.ADMIN;
import static keyward.core.CoreFixture.ALICE;
import static keyward.core.CoreFixture.codeOf;
import static keyward.core.CoreFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyServiceTest {
    private static final byte[] DATA = "card 4111".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private CoreFixture f;

    @BeforeEach
    void open() {
        f = new CoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void create_storesAnActiveVersionOneKeyOwnedByTheCaller_withTagsDeduplicated() {
        KeyRecord k = f.keys().create(ALICE, new KeyRequests.Create("payments", "aes-256-gcm",
                List.of("pci", "eu", "pci"), Map.of("team", "billing"), false, 0));
        KeyRecord stored = f.store.findKey(k.id()).orElseThrow();
        assertEquals("alice", stored.owner());
        assertEquals(KeyState.ACTIVE, stored.state());
        assertEquals(1, stored.primaryVersion());
        assertEquals(List.of("pci", "eu"), stored.tags());
        assertEquals(Map.of("team", "billing"), stored.attributes());
        assertEquals(k.id(), f.keys().get(ALICE, "payments").id());
    }

    @Test
    void create_unknownAlgorithmOrTakenName_isRefused() {
        f.create("payments", "aes-256-gcm");
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.create("other", "aes-512-gcm")));
        assertEquals(ErrorCode.CONFLICT, codeOf(() -> f.create("payments", "hmac-sha256")));
    }

    @Test
    void create_byUserNotInCreateUsers_isForbidden() {
        f.close();
        Path other = dir.resolve("restricted");
        assertTrue(other.toFile().mkdirs());
        f = new CoreFixture(other, new Settings(1000, 7, 7, List.of("alice"), "test", false));
        f.create("mine", "aes-256-gcm");
        assertEquals(ErrorCode.FORBIDDEN, codeOf(() -> f.keys().create(BOB,
                new KeyRequests.Create("bobs", "aes-256-gcm", null, null, false, 0))));
    }

    @Test
    void patch_renameToATakenName_isConflict_andLeavesTheKeyAsItWas() {
        f.create("a", "aes-256-gcm");
        String b = f.create("b", "aes-256-gcm");
        KeyRequests.Patch rename = new KeyRequests.Patch("a", null, null, null, null, null);
        assertEquals(ErrorCode.CONFLICT, codeOf(() -> f.keys().patch(ALICE, "b", rename)));
        assertEquals("b", f.store.findKey(b).orElseThrow().name());
    }

    @Test
    void patch_changesNameTagsAttributes_andExportableOnlyOff() {
        String id = f.keys().create(ALICE, new KeyRequests.Create("old", "aes-256-gcm", null, null, true, 0)).id();
        f.keys().patch(ALICE, "old", new KeyRequests.Patch("new", List.of("x"), Map.of("k", "v"), null, 3600L, false));
        KeyRecord k = f.store.findKey(id).orElseThrow();
        assertEquals("new", k.name());
        assertEquals(List.of("x"), k.tags());
        assertEquals(Map.of("k", "v"), k.attributes());
        assertEquals(3600, k.autoRotatePeriod());
        assertFalse(k.exportable());
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.keys().get(ALICE, "old")));
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.keys().patch(ALICE, "new",
                new KeyRequests.Patch(null, null, null, null, null, true))));
    }

    @Test
    void rotate_keepsOldVersionsForDecrypt_andEncryptsWithTheNewOne() {
        f.create("payments", "aes-256-gcm");
        CryptoService.Output old = f.crypto().encrypt(ALICE, "payments", DATA, null);
        KeyRecord k = f.keys().rotate(ALICE, "payments");
        assertEquals(2, k.primaryVersion());
        assertEquals(2, k.versions().size());
        assertEquals(2, f.crypto().encrypt(ALICE, "payments", DATA, null).version());
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", old.value(), null));
    }

    @Test
    void minDecryptionVersion_refusesOlderCiphertexts_andMustNotExceedPrimary() {
        f.create("payments", "aes-256-gcm");
        String v1 = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().rotate(ALICE, "payments");
        String v2 = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.keys().patch(ALICE, "payments",
                new KeyRequests.Patch(null, null, null, 3, null, null))));
        f.keys().patch(ALICE, "payments", new KeyRequests.Patch(null, null, null, 2, null, null));
        assertEquals(ErrorCode.DECRYPTION_FAILED, codeOf(() -> f.crypto().decrypt(ALICE, "payments", v1, null)));
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", v2, null));
    }

    @Test
    void revoke_deactivated_stillDecrypts_butNoLongerEncryptsOrRotates() {
        f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        assertEquals(KeyState.DEACTIVATED, f.keys().revoke(ALICE, "payments", "retired").state());
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", ct, null));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, "payments", DATA, null)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.keys().rotate(ALICE, "payments")));
    }

    @Test
    void revoke_neverLowersAState_compromisedStaysCompromised() {
        f.create("payments", "aes-256-gcm");
        f.keys().revoke(ALICE, "payments", "compromised");
        assertEquals(KeyState.COMPROMISED, f.keys().revoke(ALICE, "payments", "superseded").state());
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.keys().revoke(ALICE, "payments", "bored")));
    }

    @Test
    void scheduleDestroy_setsDestroyAtPendingDaysAhead_andBlocksUse_untilCancelled() {
        f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().revoke(ALICE, "payments", "superseded");
        KeyRecord k = f.keys().scheduleDestroy(ALICE, "payments", 10);
        assertEquals(KeyState.PENDING_DESTRUCTION, k.state());
        assertEquals(k.updatedAt().plus(Duration.ofDays(10)), k.destroyAt());
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().decrypt(ALICE, "payments", ct, null)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.keys().scheduleDestroy(ALICE, "payments", 10)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.keys().revoke(ALICE, "payments", "retired")));

        KeyRecord back = f.keys().cancelDestroy(ALICE, "payments");
        assertEquals(KeyState.DEACTIVATED, back.state());  // the state it had before, not active
        assertNull(back.destroyAt());
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", ct, null));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.keys().cancelDestroy(ALICE, "payments")));
    }

    @Test
    void scheduleDestroy_pendingDaysBelowMinimumOrAbove3650_isRefused() {
        f.create("payments", "aes-256-gcm");
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.keys().scheduleDestroy(ALICE, "payments", 6)));
        assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> f.keys().scheduleDestroy(ALICE, "payments", 3651)));
        KeyRecord k = f.keys().scheduleDestroy(ALICE, "payments", null);
        assertEquals(k.updatedAt().plus(Duration.ofDays(7)), k.destroyAt());
    }

    @Test
    void putGrant_unknownUser_isNotFound_butOnlyAfterTheCallersRightsAreChecked() {
        f.create("payments", "aes-256-gcm");
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.keys().putGrant(ALICE, "payments", "nobody", List.of("get"))));
        // bob may not manage grants: he must not learn whether "nobody" exists
        f.keys().putGrant(ALICE, "payments", "bob", List.of("get"));
        assertEquals(ErrorCode.FORBIDDEN, codeOf(() -> f.keys().putGrant(BOB, "payments", "nobody", List.of("get"))));
    }

    @Test
    void grants_letTheGranteeUseTheKey_andDeletingThemTakesThatAway() {
        f.create("payments", "aes-256-gcm");
        f.keys().putGrant(ALICE, "payments", "bob", List.of("encrypt"));
        assertEquals(Map.of("bob", java.util.Set.of(Permission.ENCRYPT)), f.keys().grants(ALICE, "payments"));
        f.crypto().encrypt(BOB, "payments", DATA, null);
        f.keys().deleteGrant(ALICE, "payments", "bob");
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.crypto().encrypt(BOB, "payments", DATA, null)));
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.keys().deleteGrant(ALICE, "payments", "bob")));
    }

    @Test
    void adminCanGrant_off_refusesAdmin_on_letsAdminGrantItself() {
        f.create("payments", "aes-256-gcm");
        assertEquals(ErrorCode.FORBIDDEN, codeOf(() -> f.keys().putGrant(ADMIN, "payments", "root", List.of("decrypt"))));
        f.close();
        Path other = dir.resolve("granting");
        assertTrue(other.toFile().mkdirs());
        f = new CoreFixture(other, new Settings(1000, 7, 7, List.of(), "test", true));
        f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().putGrant(ADMIN, "payments", "root", List.of("decrypt"));
        assertArrayEquals(DATA, f.crypto().decrypt(ADMIN, "payments", ct, null));
    }
}
