package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import keyward.core.Names;
import org.junit.jupiter.api.Test;

class RandTest {

    @Test
    void uuidV7_isAStandardVersion7Uuid_carryingItsMillisecond() {
        long ms = 0x0192_3456_789aL;
        String id = Rand.uuidV7(ms);
        UUID u = UUID.fromString(id);
        assertEquals(7, u.version());
        assertEquals(2, u.variant());
        assertEquals(id, u.toString(), "lowercase, canonical form");
        assertTrue(Names.isUuid(id));
        assertEquals(ms, u.getMostSignificantBits() >>> 16);
    }

    @Test
    void uuidV7_sortsByTime_andIsRandomWithinOneMillisecond() {
        String earlier = Rand.uuidV7(1_700_000_000_000L);
        String later = Rand.uuidV7(1_700_000_000_001L);
        assertTrue(earlier.compareTo(later) < 0);
        Set<String> same = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            same.add(Rand.uuidV7(1_700_000_000_000L));
        }
        assertEquals(10_000, same.size(), "74 random bits: no repeats");
    }
}
