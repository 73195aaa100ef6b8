package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import org.junit.jupiter.api.Test;

class MergeTest {

    private static final String A = "aaaaaaaa-0000-0000-0000-000000000000";
    private static final String B = "bbbbbbbb-0000-0000-0000-000000000000";
    private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");

    private static String cid(long t, String node) {
        return String.format("%016x.%s", t << 16, node);
    }

    private static KeyVersion version(int n, int kid) {
        return new KeyVersion(n, kid, "kek00001", new byte[] {(byte) kid, 1, 2}, null, T.plusSeconds(n));
    }

    private static KeyDoc base() {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = "key-1";
        b.name = "k";
        b.algorithm = "aes-256-gcm";
        b.state = KeyState.ACTIVE;
        b.owner = "alice";
        b.primaryVersion = 1;
        b.minDecryptionVersion = 1;
        b.createdAt = T;
        b.updatedAt = T;
        b.versions = List.of(version(1, 11));
        b.grants = Map.of("bob", Set.of(Permission.ENCRYPT));
        return Merge.local(null, b.build(), cid(1, A));
    }

    private static KeyDoc rotated(KeyDoc d, int kid, String cid) {
        KeyRecord.Builder b = d.key().toBuilder();
        List<KeyVersion> vs = new ArrayList<>(d.key().versions());
        vs.add(version(vs.size() + 1, kid));
        b.versions = vs;
        b.primaryVersion = vs.size();
        return Merge.local(d, b.build(), cid);
    }

    private static KeyDoc with(KeyDoc d, String cid, java.util.function.Consumer<KeyRecord.Builder> change) {
        KeyRecord.Builder b = d.key().toBuilder();
        change.accept(b);
        return Merge.local(d, b.build(), cid);
    }

    @Test
    void concurrentRotations_bothSurvive_numberedInChangeOrder_theLaterPrimary() {
        KeyDoc onA = rotated(base(), 22, cid(5, A));
        KeyDoc onB = rotated(base(), 33, cid(6, B));
        KeyDoc m = Merge.merge(onA, onB);
        assertEquals(m, Merge.merge(onB, onA));
        assertEquals(3, m.key().versions().size());
        assertEquals(33, m.key().primary().kid());
        assertEquals(22, m.key().version(2).orElseThrow().kid());
        assertEquals(2, m.key().primary().issued(), "renumbered to 3, issued as 2 on B");
        assertEquals(2, m.key().version(2).orElseThrow().issued());
    }

    @Test
    void issuedNumbers_unknownOnOneSide_takeTheKnownOne_inEitherOrder() {
        KeyDoc onA = rotated(base(), 22, cid(5, A));
        KeyRecord.Builder b = onA.key().toBuilder();
        b.versions = onA.key().versions().stream().map(v -> new KeyVersion(v.version(), v.kid(), v.kekId(),
                v.wrapped(), v.publicKey(), v.createdAt(), 0)).toList();
        KeyDoc olderBuild = new KeyDoc(b.build(), onA.fields(), onA.state(), onA.created(), onA.grants(), onA.versions());
        for (KeyDoc m : List.of(Merge.merge(onA, olderBuild), Merge.merge(olderBuild, onA))) {
            assertEquals(List.of(1, 2), m.key().versions().stream().map(KeyVersion::issued).toList());
        }
    }

    @Test
    void revocation_beatsALaterConcurrentUpdate_whichKeepsItsPlainFields() {
        KeyDoc revoked = with(base(), cid(5, A), b -> b.state = KeyState.COMPROMISED);
        KeyDoc renamed = with(base(), cid(9, B), b -> b.tags = List.of("later"));
        for (KeyDoc m : List.of(Merge.merge(revoked, renamed), Merge.merge(renamed, revoked))) {
            assertEquals(KeyState.COMPROMISED, m.key().state());
            assertEquals(List.of("later"), m.key().tags());
        }
    }

    @Test
    void destruction_winsAndErasesMaterialOfEveryVersion() {
        KeyDoc destroyed = with(base(), cid(5, A), b -> {
            b.state = KeyState.DESTROYED;
            b.versions = List.of(b.versions.get(0).withoutMaterial());
        });
        KeyDoc rotatedLater = rotated(base(), 44, cid(7, B));
        KeyDoc m = Merge.merge(rotatedLater, destroyed);
        assertEquals(KeyState.DESTROYED, m.key().state());
        assertTrue(m.key().versions().stream().allMatch(KeyVersion::destroyed));
        assertEquals(m, Merge.merge(destroyed, rotatedLater));
    }

    @Test
    void grants_mergePerUser_aRemovalIsKeptAgainstAnOlderGrant() {
        KeyDoc removedBob = with(base(), cid(8, A), b -> b.grants = Map.of());
        KeyDoc grantedCarol = with(base(), cid(6, B), b -> b.grants = Map.of("bob", Set.of(Permission.ENCRYPT),
                "carol", Set.of(Permission.DECRYPT)));
        KeyDoc m = Merge.merge(removedBob, grantedCarol);
        assertEquals(Map.of("carol", Set.of(Permission.DECRYPT)), m.key().grants());
        assertEquals(m, Merge.merge(grantedCarol, removedBob));
    }

    @Test
    void merge_isIdempotentAndAssociative() {
        KeyDoc x = rotated(base(), 22, cid(5, A));
        KeyDoc y = with(base(), cid(6, B), b -> b.name = "renamed");
        KeyDoc z = with(rotated(base(), 55, cid(7, B)), cid(8, B), b -> b.state = KeyState.DEACTIVATED);
        assertEquals(Merge.merge(x, x), Merge.merge(x, Merge.merge(x, x)));
        assertEquals(Merge.merge(Merge.merge(x, y), z), Merge.merge(x, Merge.merge(y, z)));
        assertEquals(Merge.merge(Merge.merge(x, y), z), Merge.merge(Merge.merge(z, x), y));
    }

    @Test
    void keyDocument_roundTripsThroughJson() {
        KeyDoc d = rotated(base(), 22, cid(5, A));
        assertEquals(d, Docs.key(Docs.key(d)));
    }
}
