package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.crypto.Kek;
import keyward.server.SetupException;
import org.junit.jupiter.api.Test;

/** Restart keeps everything; the database holds no raw material; a wrong KEK refuses to start. */
class PersistenceTest {

    @Test
    void restart_keepsKeysVersionsUsersAndTokens() throws Exception {
        try (TestNode first = TestNode.start()) {
            Http http = first.admin();
            http.post("/v1/keys", Map.of("name", "durable", "algorithm", "aes-256-gcm"));
            String v1 = http.post("/v1/keys/durable/encrypt", Map.of("plaintext", b64("one"))).str("ciphertext");
            http.post("/v1/keys/durable/rotate", Map.of());
            String bob = first.newUser("bob");
            first.stop();
            try (TestNode again = TestNode.startIn(first.dir, false)) {
                Http h = again.admin();
                assertEquals(2L, h.get("/v1/keys/durable").json().get("primary_version"));
                assertEquals(b64("one"), h.post("/v1/keys/durable/decrypt", Map.of("ciphertext", v1)).str("plaintext"));
                assertEquals("bob", again.http(bob).get("/v1/whoami").str("user"));
            }
        }
    }

    @Test
    void sqliteFile_holdsNoRawKeyMaterial_inRawHexOrBase64() throws Exception {
        List<byte[]> secrets = new ArrayList<>();
        Path dir;
        try (TestNode node = TestNode.start()) {
            dir = node.dir;
            Http http = node.admin();
            for (String alg : List.of("aes-256-gcm", "hmac-sha512", "ec-p256", "ed25519", "secret")) {
                String id = http.post("/v1/keys", Map.of("algorithm", alg, "exportable", true)).str("id");
                http.post("/v1/keys/" + id + "/rotate", Map.of());
                for (long v = 1; v <= 2; v++) {
                    secrets.add(Http.unb64(http.post("/v1/keys/" + id + "/export", Map.of("version", v)).str("material")));
                }
            }
            node.stop();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("keyward.db")).toList()) {
                    all.write(Files.readAllBytes(f));
                }
            }
            byte[] db = all.toByteArray();
            assertTrue(db.length > 0);
            String asText = new String(db, StandardCharsets.ISO_8859_1);
            for (byte[] s : secrets) {
                // 16-byte windows: long enough never to match by chance, short enough to catch fragments
                byte[] probe = java.util.Arrays.copyOf(s, 16);
                assertFalse(indexOf(db, probe) >= 0, "raw material found in the database file");
                assertFalse(asText.contains(HexFormat.of().formatHex(probe)), "hex material found");
                assertFalse(asText.contains(Base64.getEncoder().encodeToString(s).substring(0, 20)), "base64 material found");
            }
        } finally {
            // TestNode.close deleted the directory
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void wrongKek_refusesToStart_withAClearMessage() throws Exception {
        try (TestNode node = TestNode.start()) {
            node.stop();
            Files.delete(node.dir.resolve("kek.key"));
            Kek.generate().save(node.dir.resolve("kek.key"));
            SetupException e = assertThrows(SetupException.class, () -> TestNode.startIn(node.dir, false));
            assertEquals("this node's master key does not match the database", e.getMessage());
        }
    }
}
