package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PepperAndTokensTest {

    @TempDir
    Path dir;

    @Test
    void hashToken_isHmacSha256UnderThePepper() {
        Pepper pepper = Pepper.generate();
        byte[] h = pepper.hashToken("kw_abc");
        assertEquals(32, h.length);
        assertArrayEquals(h, pepper.hashToken("kw_abc"));
        assertFalse(Arrays.equals(h, pepper.hashToken("kw_abd")));
        assertFalse(Arrays.equals(h, Pepper.generate().hashToken("kw_abc")));
    }

    @Test
    void saveLoad_keepsTheSameHashes() throws Exception {
        Pepper pepper = Pepper.generate();
        Path file = dir.resolve("pepper.key");
        pepper.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("keyward-pepper-v1:"));
        assertArrayEquals(pepper.hashToken("kw_x"), Pepper.load(file).hashToken("kw_x"));
        assertEquals("Pepper[***]", pepper.toString());
    }

    @Test
    void load_groupReadableOrKekFile_isRefused() throws Exception {
        Path file = dir.resolve("pepper.key");
        Pepper.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertThrows(KeyFileException.class, () -> Pepper.load(file));
        Path kek = dir.resolve("kek.key");
        Kek.generate().save(kek);
        assertThrows(KeyFileException.class, () -> Pepper.load(kek));
    }

    @Test
    void newToken_isPrefixedBase64UrlOf32Bytes() {
        String t = Tokens.newToken();
        assertTrue(t.matches("kw_[A-Za-z0-9_-]{43}"), t);
        assertNotEquals(t, Tokens.newToken());
    }

    @Test
    void newId_is16HexChars() {
        String id = Tokens.newId();
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertNotEquals(id, Tokens.newId());
    }

    @Test
    void rand_kidIsNeverZero() {
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(0, Rand.kid());
        }
        assertEquals(7, Rand.bytes(7).length);
    }
}
