package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KekRingTest {

    private static final byte[] MATERIAL = {1, 2, 3, 4};

    @Test
    void unwrap_findsTheKekById() throws Exception {
        Kek old = Kek.generate();
        Kek current = Kek.generate();
        KekRing ring = KekRing.of(current, old);
        assertSame(current, ring.primary());
        byte[] byOld = old.wrap(MATERIAL, "k", 1, "material");
        byte[] byCurrent = current.wrap(MATERIAL, "k", 1, "material");
        assertArrayEquals(MATERIAL, ring.unwrap(old.id(), byOld, "k", 1, "material").revealBytes());
        assertArrayEquals(MATERIAL, ring.unwrap(current.id(), byCurrent, "k", 1, "material").revealBytes());
    }

    @Test
    void unwrap_unknownOrWrongKekId_fails() {
        Kek kek = Kek.generate();
        KekRing ring = KekRing.of(kek);
        byte[] wrapped = kek.wrap(MATERIAL, "k", 1, "material");
        assertThrows(DecryptionFailedException.class, () -> ring.unwrap("00000000", wrapped, "k", 1, "material"));
        byte[] foreign = Kek.generate().wrap(MATERIAL, "k", 1, "material");
        assertThrows(DecryptionFailedException.class, () -> ring.unwrap(kek.id(), foreign, "k", 1, "material"));
    }

    @Test
    void withPrimary_keepsTheOldKeksForUnwrapping() throws Exception {
        Kek first = Kek.generate();
        Kek second = Kek.generate();
        byte[] wrapped = first.wrap(MATERIAL, "k", 1, "material");
        KekRing ring = KekRing.of(first).withPrimary(second);
        assertSame(second, ring.primary());
        assertEquals(2, ring.all().size());
        assertArrayEquals(MATERIAL, ring.unwrap(first.id(), wrapped, "k", 1, "material").revealBytes());
    }

    @Test
    void without_dropsARetiredKekButNeverThePrimary() {
        Kek first = Kek.generate();
        Kek second = Kek.generate();
        KekRing ring = KekRing.of(second, first).without(first.id());
        assertTrue(ring.get(first.id()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ring.without(second.id()));
    }
}
