package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.RandomRecords;
import keyward.store.StoreException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import org.junit.jupiter.api.Test;

/** The objects sealed into Redis: a type byte, then the record; malformed objects are store errors. */
class RecordsTest {
    private final RandomRecords random = new RandomRecords(7).withNanos();

    @Test
    void randomKeysUsersAndTokens_roundTripUnderTheirTypeByte() {
        for (int i = 0; i < 200; i++) {
            KeyRecord k = random.key();
            byte[] plain = Records.key(k);
            assertEquals(Records.KEY, Records.type(plain));
            assertEquals(k, Records.key(plain));
        }
        for (int i = 0; i < 50; i++) {
            UserRecord u = random.user();
            TokenRecord t = random.token(u.name());
            assertEquals(u, Records.user(Records.user(u)));
            assertEquals(t, Records.token(Records.token(t)));
        }
    }

    @Test
    void anObjectOfAnotherType_isRefusedNamingBothTypes() {
        byte[] user = Records.user(random.user());
        StoreException e = assertThrows(StoreException.class, () -> Records.key(user));
        assertEquals("stored object has type 2, expected 1", e.getMessage());
    }

    @Test
    void aCutObject_isMalformed() {
        byte[] whole = Records.key(random.key());
        StoreException e = assertThrows(StoreException.class, () -> Records.key(Arrays.copyOf(whole, whole.length - 1)));
        assertEquals("stored object of type 1 is malformed", e.getMessage());
    }

    @Test
    void aStateThisBuildDoesNotKnow_isAStoreErrorNamingIt() {
        KeyRecord.Builder b = random.key().toBuilder();
        b.state = KeyState.DEACTIVATED;
        byte[] plain = Records.key(b.build());
        replace(plain, "deactivated", "hibernating");
        StoreException e = assertThrows(StoreException.class, () -> Records.key(plain));
        assertEquals("stored object of type 1 is malformed: " + KeyState.unknown("hibernating"), e.getMessage());
    }

    private static void replace(byte[] in, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + f.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, in, i, f.length);
                return;
            }
        }
        throw new AssertionError(from + " not found");
    }
}
