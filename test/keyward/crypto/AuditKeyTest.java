package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditKeyTest {

    private static final byte[] CHECKPOINT = "node-a 1234 abcdef".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void signVerify_roundTrips() {
        AuditKey key = AuditKey.generate();
        byte[] sig = key.sign(CHECKPOINT);
        assertEquals(64, sig.length);
        assertTrue(key.verify(CHECKPOINT, sig));
        assertTrue(AuditKey.verify(key.publicKey(), CHECKPOINT, sig));
        assertFalse(key.verify("node-a 1235 abcdef".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(AuditKey.generate().verify(CHECKPOINT, sig));
        assertFalse(key.verify(CHECKPOINT, new byte[3]));
    }

    @Test
    void saveLoad_keepsTheKeyPair() throws Exception {
        AuditKey key = AuditKey.generate();
        Path file = dir.resolve("audit.key");
        key.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("keyward-audit-v1:"));
        AuditKey loaded = AuditKey.load(file);
        assertArrayEquals(key.publicKey(), loaded.publicKey());
        assertTrue(key.verify(CHECKPOINT, loaded.sign(CHECKPOINT)));
    }

    @Test
    void load_worldReadableOrForeignFile_isRefused() throws Exception {
        Path file = dir.resolve("audit.key");
        AuditKey.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThrows(KeyFileException.class, () -> AuditKey.load(file));
        Path pepper = dir.resolve("pepper.key");
        Pepper.generate().save(pepper);
        assertThrows(KeyFileException.class, () -> AuditKey.load(pepper));
    }
}
