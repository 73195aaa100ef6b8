package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toString_isMasked() {
        Secret s = Secret.copyOf(new byte[] {1, 2, 3});
        assertEquals("Secret[***]", s.toString());
        assertEquals("Secret[***]", String.valueOf(s));
    }

    @Test
    void copyOf_keepsItsOwnCopy() {
        byte[] b = {1, 2, 3};
        Secret s = Secret.copyOf(b);
        b[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, s.revealBytes());
        assertEquals(3, s.length());
    }

    @Test
    void of_takesOverTheArray() {
        byte[] b = {1, 2, 3};
        Secret s = Secret.of(b);
        s.close();
        assertArrayEquals(new byte[3], b);
    }

    @Test
    void close_wipesAndRefusesFurtherReads() {
        Secret s = Secret.copyOf(new byte[] {5, 6});
        byte[] inner = s.revealBytes();
        s.close();
        s.close();
        assertArrayEquals(new byte[2], inner);
        assertThrows(IllegalStateException.class, s::revealBytes);
    }

    @Test
    void equalsConstantTime_comparesContent() {
        Secret a = Secret.copyOf(new byte[] {1, 2});
        assertTrue(a.equalsConstantTime(Secret.copyOf(new byte[] {1, 2})));
        assertFalse(a.equalsConstantTime(Secret.copyOf(new byte[] {1, 3})));
        assertFalse(a.equalsConstantTime(Secret.copyOf(new byte[] {1, 2, 3})));
        assertFalse(a.equalsConstantTime(null));
    }

    @Test
    void equalsAndHashCode_doNotDependOnContent() {
        Secret a = Secret.copyOf(new byte[] {1, 2});
        Secret b = Secret.copyOf(new byte[] {1, 2});
        assertNotEquals(a, b);
    }

    @Test
    void random_isFreshEachTime() {
        assertEquals(32, Secret.random(32).length());
        assertFalse(Secret.random(32).equalsConstantTime(Secret.random(32)));
    }

    @Test
    void keyMaterial_toString_hidesTheSecret() {
        KeyMaterial k = KeyMaterial.symmetric(Secret.copyOf(new byte[] {42}));
        assertEquals("KeyMaterial[secret=***, publicKey=none]", k.toString());
    }
}
