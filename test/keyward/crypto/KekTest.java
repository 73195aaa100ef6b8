package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KekTest {

    private static final byte[] MATERIAL = "key material".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void wrapUnwrap_sameBinding_roundTrips() throws Exception {
        Kek kek = Kek.generate();
        byte[] wrapped = kek.wrap(MATERIAL, "key-1", 77, "material");
        assertEquals(1 + 12 + MATERIAL.length + 16, wrapped.length);
        assertEquals(1, wrapped[0]);
        try (Secret s = kek.unwrap(wrapped, "key-1", 77, "material")) {
            assertArrayEquals(MATERIAL, s.revealBytes());
        }
    }

    @Test
    void unwrap_withAnotherObjectKidOrPurpose_fails() {
        Kek kek = Kek.generate();
        byte[] wrapped = kek.wrap(MATERIAL, "key-1", 77, "material");
        assertThrows(DecryptionFailedException.class, () -> kek.unwrap(wrapped, "key-2", 77, "material"));
        assertThrows(DecryptionFailedException.class, () -> kek.unwrap(wrapped, "key-1", 78, "material"));
        assertThrows(DecryptionFailedException.class, () -> kek.unwrap(wrapped, "key-1", 77, "replication"));
        // the length prefixes keep field boundaries apart
        byte[] a = kek.wrap(MATERIAL, "ab", 1, "c");
        assertThrows(DecryptionFailedException.class, () -> kek.unwrap(a, "a", 1, "bc"));
    }

    @Test
    void unwrap_withAnotherKek_fails() {
        byte[] wrapped = Kek.generate().wrap(MATERIAL, "key-1", 77, "material");
        assertThrows(DecryptionFailedException.class, () -> Kek.generate().unwrap(wrapped, "key-1", 77, "material"));
    }

    @Test
    void unwrap_anyFlippedOrMissingByte_fails() {
        Kek kek = Kek.generate();
        byte[] wrapped = kek.wrap(MATERIAL, "key-1", 77, "material");
        for (int i = 0; i < wrapped.length; i++) {
            byte[] bad = wrapped.clone();
            bad[i] ^= 1;
            assertThrows(DecryptionFailedException.class, () -> kek.unwrap(bad, "key-1", 77, "material"), "byte " + i);
            byte[] cut = Arrays.copyOf(wrapped, i);
            assertThrows(DecryptionFailedException.class, () -> kek.unwrap(cut, "key-1", 77, "material"), "length " + i);
        }
        assertThrows(DecryptionFailedException.class, () -> kek.unwrap(null, "key-1", 77, "material"));
    }

    @Test
    void id_isEightHexCharsAndNotTheKey() {
        byte[] raw = new byte[32];
        Kek kek = Kek.of(Secret.copyOf(raw));
        assertTrue(kek.id().matches("[0-9a-f]{8}"), kek.id());
        assertNotEquals("00000000", kek.id());
        assertEquals(kek.id(), Kek.of(Secret.copyOf(raw)).id());
        assertNotEquals(kek.id(), Kek.generate().id());
        assertEquals("Kek[" + kek.id() + "]", kek.toString());
    }

    @Test
    void canary_opensOnlyWithTheSameKek() {
        Kek kek = Kek.generate();
        byte[] canary = kek.makeCanary();
        assertTrue(kek.opensCanary(canary));
        assertFalse(Kek.generate().opensCanary(canary));
        assertFalse(kek.opensCanary(kek.wrap(MATERIAL, "keyward", 0, "canary")));
        assertFalse(kek.opensCanary(new byte[3]));
    }

    @Test
    void saveLoad_roundTripsWithMode0600() throws Exception {
        Kek kek = Kek.generate();
        Path file = dir.resolve("kek.key");
        kek.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file);
        assertTrue(content.matches("keyward-kek-v1:[A-Za-z0-9+/]{43}=\n"), "one line");
        Kek loaded = Kek.load(file);
        assertEquals(kek.id(), loaded.id());
        assertTrue(loaded.opensCanary(kek.makeCanary()));
    }

    @Test
    void save_overAnExistingFile_isRefused() throws Exception {
        Path file = dir.resolve("kek.key");
        Files.writeString(file, "keep me");
        var e = assertThrows(KeyFileException.class, () -> Kek.generate().save(file));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void load_fileReadableByOthers_isRefusedNamingPathAndFix() throws Exception {
        Path file = dir.resolve("kek.key");
        Kek.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(KeyFileException.class, () -> Kek.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThrows(KeyFileException.class, () -> Kek.load(file));
    }

    @Test
    void load_missingOrMalformedFile_isRefusedWithoutEchoingContent() throws Exception {
        var missing = assertThrows(KeyFileException.class, () -> Kek.load(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        for (String content : new String[] {"", "keyward-kek-v1:", "keyward-pepper-v1:" + "A".repeat(44),
            "keyward-kek-v1:not*base64", "keyward-kek-v1:" + java.util.Base64.getEncoder().encodeToString(new byte[16])}) {
            Path file = dir.resolve("bad" + content.hashCode());
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            var e = assertThrows(KeyFileException.class, () -> Kek.load(file), content);
            String payload = content.length() > 15 ? content.substring(15) : null;
            assertFalse(payload != null && e.getMessage().contains(payload), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void unwrap_aValueWrappedByTheFormerKekCode_opens() throws Exception {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (0x40 + i);
        }
        Kek kek = Kek.of(Secret.of(raw));
        assertEquals("83cc3d11", kek.id());
        byte[] wrapped = HexFormat.of().parseHex("0111c60dc8d68018c97db79ad2dce4fb35a32db186a7d05a3776ddf6d6bab3894c7bca3b6688cc6023");
        try (Secret s = kek.unwrap(wrapped, "key-1", 77, "material")) {
            assertArrayEquals(MATERIAL, s.revealBytes());
        }
    }

    @Test
    void argon2id_matchesRfc9106Vector() {
        HexFormat hex = HexFormat.of();
        byte[] password = filled(32, 0x01);
        byte[] tag = Argon2.argon2id(password, filled(16, 0x02), filled(8, 0x03), filled(12, 0x04), 3, 32, 4, 32);
        assertArrayEquals(hex.parseHex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"), tag);
    }

    @Test
    void fromPassphrase_isDeterministicPerSalt() {
        byte[] salt = filled(16, 7);
        Kek a = Kek.fromPassphrase("correct horse".toCharArray(), salt);
        Kek b = Kek.fromPassphrase("correct horse".toCharArray(), salt.clone());
        Kek c = Kek.fromPassphrase("correct horse".toCharArray(), filled(16, 8));
        assertEquals(a.id(), b.id());
        assertNotEquals(a.id(), c.id());
        assertTrue(b.opensCanary(a.makeCanary()));
    }

    @Test
    void fromPassphrase_badInputs_areRefused() {
        assertThrows(CryptoInputException.class, () -> Kek.fromPassphrase(new char[0], new byte[16]));
        assertThrows(CryptoInputException.class, () -> Kek.fromPassphrase("x".toCharArray(), new byte[15]));
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
