package keyward.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import keyward.store.AuditRecord;
import keyward.store.StoreException;
import org.junit.jupiter.api.Test;

/** The block encoding: every field survives, and damaged bytes fail as a named store error only. */
class AuditBlockTest {

    private static AuditRecord entry(long position, long seq, String user, String key, String remote, byte[] prev,
                                     byte[] hash) {
        return new AuditRecord(position, "n1", seq, Instant.ofEpochMilli(1_700_000_000_000L + seq), user, "encrypt", key,
                "ok", remote, prev, hash);
    }

    private static byte[] hash(int seed) {
        byte[] h = new byte[32];
        new Random(seed).nextBytes(h);
        return h;
    }

    @Test
    void entries_roundTrip_withNullsNonAsciiAndBothKindsOfPreviousHash() {
        List<AuditRecord> in = new ArrayList<>();
        in.add(entry(100, 7, "alice", "key-1", "10.0.0.1", hash(6), hash(7))); // prev given: first of the block
        in.add(entry(101, 8, null, null, null, hash(7), hash(8)));             // prev is the entry before
        in.add(entry(102, 9, "zoë 😀", "ключ", "::1", hash(99), hash(9)));     // prev given: not the one before
        in.add(entry(103, 10, "x".repeat(255), "", "r", null, hash(10)));      // no prev, longest name, empty key
        List<AuditRecord> out = AuditBlock.decode(5, "n1", 100, AuditBlock.encode(in));
        assertEquals(in, out);
    }

    @Test
    void aBlockOfTheMostEntries_roundTrips() {
        List<AuditRecord> in = new ArrayList<>();
        byte[] prev = null;
        for (int i = 0; i < AuditBlock.MAX_ENTRIES; i++) {
            byte[] h = hash(i);
            in.add(entry(4096 + i, i + 1, "u" + (i % 7), "k" + i, null, prev, h));
            prev = h;
        }
        assertEquals(in, AuditBlock.decode(1, "n1", 4096, AuditBlock.encode(in)));
    }

    @Test
    void aRunOfOneClientsRequests_takesAbout40BytesAnEntry() {
        List<AuditRecord> in = new ArrayList<>();
        byte[] prev = hash(-1);
        for (int i = 0; i < 1000; i++) {
            byte[] h = hash(i);
            in.add(new AuditRecord(0, "n1", 5000 + i, Instant.ofEpochMilli(1_700_000_000_000L + i / 30), "app", "encrypt",
                    "0190f4c2-7a1b-7c3d-9e8f-0123456789ab", "ok", "10.1.2.3", prev, h));
            prev = h;
        }
        byte[] block = AuditBlock.encode(in);
        assertTrue(block.length < 1000 * 40, block.length + " bytes");
        assertEquals(in.stream().map(AuditBlockTest::withoutPosition).toList(),
                AuditBlock.decode(1, "n1", 0, block).stream().map(AuditBlockTest::withoutPosition).toList());
    }

    private static AuditRecord withoutPosition(AuditRecord a) {
        return new AuditRecord(0, a.node(), a.seq(), a.time(), a.user(), a.operation(), a.keyRef(), a.outcome(),
                a.remote(), a.prevHash(), a.hash());
    }

    @Test
    void damagedBytes_failAsAStoreErrorNamingTheBlock_neverAnythingElse() {
        List<AuditRecord> in = List.of(entry(10, 1, "alice", "k", "10.0.0.1", null, hash(1)),
                entry(11, 2, "bob", "k", null, hash(1), hash(2)));
        byte[] good = AuditBlock.encode(in);
        Random r = new Random(42);
        int failed = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = round % 3 == 0 ? Arrays.copyOf(good, r.nextInt(good.length)) : good.clone();
            if (round % 3 != 0) {
                for (int flips = 1 + r.nextInt(4); flips > 0; flips--) {
                    bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            try {
                List<AuditRecord> out = AuditBlock.decode(77, "n1", 10, bad);
                assertTrue(out.size() >= 1 && out.size() <= AuditBlock.MAX_ENTRIES);
            } catch (StoreException e) {
                assertTrue(e.getMessage().startsWith("audit block 77 of node n1 is unreadable"), e.getMessage());
                failed++;
            }
        }
        assertTrue(failed > 10_000, "most damage is noticed: " + failed);
        StoreException e = assertThrows(StoreException.class, () -> AuditBlock.decode(3, "n1", 0, new byte[0]));
        assertEquals("audit block 3 of node n1 is unreadable (cut short)", e.getMessage());
    }
}
