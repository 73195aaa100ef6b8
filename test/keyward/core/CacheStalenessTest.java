package keyward.core;

import static keyward.core.CoreFixture.ALICE;
import static keyward.core.CoreFixture.codeOf;
import static keyward.core.CoreFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staleness bound of the key and token caches: a change written to the store behind this
 * instance's back (as another instance would) takes effect here within cache_ttl_ms, and not
 * later; a change made through this instance takes effect at once.
 */
class CacheStalenessTest {
    private static final long TTL_MS = 1000;
    private static final byte[] DATA = {1, 2, 3};

    @TempDir
    Path dir;
    private CoreFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private CoreFixture fixture(long ttlMs) {
        f = new CoreFixture(dir, new Settings(ttlMs, 7, 7, List.of(), "test", false));
        return f;
    }

    /** Writes {@code change} of the stored key straight to the store, as another instance would. */
    private void behindTheCache(String id, java.util.function.UnaryOperator<KeyRecord.Builder> change) {
        f.store.updateKey(change.apply(f.store.findKey(id).orElseThrow().toBuilder()).build());
    }

    @Test
    void revocationByAnotherInstance_takesEffectWithinTheTtl_notBefore() {
        fixture(TTL_MS);
        String id = f.create("payments", "aes-256-gcm");
        behindTheCache(id, b -> {
            b.state = KeyState.DEACTIVATED;
            return b;
        });
        f.clock.advanceMillis(TTL_MS - 1);
        f.crypto().encrypt(ALICE, id, DATA, null);  // still the cached, active copy, by id and by name
        f.crypto().encrypt(ALICE, "payments", DATA, null);
        f.clock.advanceMillis(1);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, id, DATA, null)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, "payments", DATA, null)));
    }

    @Test
    void grantRemovedByAnotherInstance_stopsTheGranteeWithinTheTtl() {
        fixture(TTL_MS);
        String id = f.create("payments", "aes-256-gcm");
        f.keys().putGrant(ALICE, "payments", "bob", List.of("encrypt"));
        f.crypto().encrypt(BOB, "payments", DATA, null);
        behindTheCache(id, b -> {
            b.grants = Map.of();
            return b;
        });
        f.clock.advanceMillis(TTL_MS);
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.crypto().encrypt(BOB, "payments", DATA, null)));
    }

    @Test
    void zeroTtl_seesAChangeByAnotherInstance_atOnce() {
        fixture(0);
        String id = f.create("payments", "aes-256-gcm");
        behindTheCache(id, b -> {
            b.state = KeyState.COMPROMISED;
            return b;
        });
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, "payments", DATA, null)));
    }

    @Test
    void renameByAnotherInstance_freesTheOldNameWithinTheTtl() {
        fixture(TTL_MS);
        String id = f.create("payments", "aes-256-gcm");
        f.keys().get(ALICE, "payments");
        behindTheCache(id, b -> {
            b.name = "billing";
            return b;
        });
        f.clock.advanceMillis(TTL_MS);
        assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> f.keys().get(ALICE, "payments")));
        assertEquals(id, f.keys().get(ALICE, "billing").id());
    }

    @Test
    void tokenRevokedByAnotherInstance_authenticatesUntilTheTtl_thenIsRefused() {
        fixture(TTL_MS);
        UserService.IssuedToken t = f.core.users().createToken(ALICE, "alice", null);
        assertEquals(ALICE, f.core.users().authenticate(t.token()));
        f.store.deleteToken("alice", t.id());
        f.clock.advanceMillis(TTL_MS - 1);
        assertEquals(ALICE, f.core.users().authenticate(t.token()));
        f.clock.advanceMillis(1);
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().authenticate(t.token())));
    }

    @Test
    void certificateUserDeletedByAnotherInstance_isKnownUntilTheTtl_thenIsRefused() {
        fixture(TTL_MS);
        assertEquals(BOB, f.core.users().principalOf("bob"));
        f.store.deleteUser("bob");
        f.clock.advanceMillis(TTL_MS - 1);
        assertEquals(BOB, f.core.users().principalOf("bob"), "the cached user, within the bound");
        f.clock.advanceMillis(1);
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().principalOf("bob")));
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().principalOf("nobody")));
    }

    @Test
    void certificateUserDeletedThroughThisInstance_isRefusedAtOnce() {
        fixture(TTL_MS);
        f.core.users().principalOf("bob");
        f.core.users().deleteUser(CoreFixture.ADMIN, "bob");
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().principalOf("bob")));
    }

    @Test
    void tokenRevokedThroughThisInstance_isRefusedAtOnce() {
        fixture(TTL_MS);
        UserService.IssuedToken t = f.core.users().createToken(ALICE, "alice", null);
        f.core.users().authenticate(t.token());
        f.core.users().deleteToken(ALICE, "alice", t.id());
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().authenticate(t.token())));
    }

    @Test
    void token_isRefusedFromTheMomentItExpires() {
        fixture(TTL_MS);
        UserService.IssuedToken t = f.core.users().createToken(ALICE, "alice", 60L);
        f.core.users().authenticate(t.token());
        f.clock.advanceMillis(59_999);
        f.core.users().authenticate(t.token());
        f.clock.advanceMillis(1);
        assertEquals(ErrorCode.UNAUTHENTICATED, codeOf(() -> f.core.users().authenticate(t.token())));
    }
}
