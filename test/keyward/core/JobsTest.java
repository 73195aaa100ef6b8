package keyward.core;

import static keyward.core.CoreFixture.ALICE;
import static keyward.core.CoreFixture.codeOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The job pass run directly, with the clock moved to when work falls due. */
class JobsTest {
    private static final byte[] DATA = {4, 2};

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

    private String autoRotating(String name, long periodSeconds) {
        return f.keys().create(ALICE, new KeyRequests.Create(name, "aes-256-gcm", null, null, false, periodSeconds)).id();
    }

    private KeyRecord stored(String id) {
        return f.store.findKey(id).orElseThrow();
    }

    @Test
    void autoRotation_happensOnceThePeriodHasPassed_notBefore_andOncePerPeriod() {
        String id = autoRotating("payments", 3600);
        String old = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.clock.advance(Duration.ofSeconds(3599));
        assertEquals(0, f.core.jobs().runOnce());
        assertEquals(1, stored(id).primaryVersion());
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, f.core.jobs().runOnce());
        assertEquals(0, f.core.jobs().runOnce());
        assertEquals(2, stored(id).primaryVersion());
        assertEquals(f.clock.instant(), stored(id).rotatedAt());
        assertEquals(2, f.crypto().encrypt(ALICE, "payments", DATA, null).version());
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", old, null));
    }

    @Test
    void autoRotation_skipsKeysWithoutAPeriod_andKeysNoLongerActive() {
        String plain = f.create("plain", "aes-256-gcm");
        String retired = autoRotating("retired", 60);
        f.keys().revoke(ALICE, "retired", "retired");
        f.clock.advance(Duration.ofDays(1));
        assertEquals(0, f.core.jobs().runOnce());
        assertEquals(1, stored(plain).primaryVersion());
        assertEquals(1, stored(retired).primaryVersion());
    }

    @Test
    void rotationDelay_postponesAutoRotationByThatMuch() {
        String id = autoRotating("payments", 60);
        f.core.jobs().rotationDelay(keyId -> Duration.ofSeconds(30));
        f.clock.advance(Duration.ofSeconds(89));
        assertEquals(0, f.core.jobs().runOnce());
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, f.core.jobs().runOnce());
        assertEquals(2, stored(id).primaryVersion());
    }

    @Test
    void destruction_happensWhenDue_erasingTheMaterialOfEveryVersion() {
        String id = f.create("payments", "aes-256-gcm");
        f.keys().rotate(ALICE, "payments");
        f.keys().scheduleDestroy(ALICE, "payments", 7);
        f.clock.advance(Duration.ofDays(7).minusMillis(1));
        assertEquals(0, f.core.jobs().runOnce());
        assertEquals(KeyState.PENDING_DESTRUCTION, stored(id).state());
        f.clock.advanceMillis(1);
        assertEquals(1, f.core.jobs().runOnce());
        KeyRecord k = stored(id);
        assertEquals(KeyState.DESTROYED, k.state());
        assertEquals(2, k.versions().size());
        assertTrue(k.versions().stream().allMatch(KeyVersion::destroyed));
        assertEquals(0, f.core.jobs().runOnce());
    }

    @Test
    void cancelledDestruction_isNotCarriedOutWhenTheDayComes() {
        String id = f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().scheduleDestroy(ALICE, "payments", 7);
        f.keys().cancelDestroy(ALICE, "payments");
        f.clock.advance(Duration.ofDays(8));
        assertEquals(0, f.core.jobs().runOnce());
        assertEquals(KeyState.ACTIVE, stored(id).state());
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", ct, null));
    }

    @Test
    void destroyedKey_refusesEveryUseAndChange_butItsMetadataStaysReadable() {
        f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().scheduleDestroy(ALICE, "payments", 7);
        f.clock.advance(Duration.ofDays(7));
        assertEquals(1, f.core.jobs().runOnce());

        assertEquals(KeyState.DESTROYED, f.keys().get(ALICE, "payments").state());
        for (Executable use : List.<Executable>of(
                () -> f.crypto().encrypt(ALICE, "payments", DATA, null),
                () -> f.crypto().decrypt(ALICE, "payments", ct, null),
                () -> f.keys().rotate(ALICE, "payments"),
                () -> f.keys().patch(ALICE, "payments", CoreFixture.patch()),
                () -> f.keys().revoke(ALICE, "payments", "compromised"),
                () -> f.keys().scheduleDestroy(ALICE, "payments", 7),
                () -> f.keys().cancelDestroy(ALICE, "payments"))) {
            assertEquals(ErrorCode.INVALID_STATE, codeOf(use));
        }
    }
}
