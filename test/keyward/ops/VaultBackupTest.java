package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** KV v2 secrets, their versions and Transit ciphertexts survive backup and restore (docs/vault.md). */
class VaultBackupTest {
    @Test
    void backup_wipe_restore_keepsKvVersions_erasures_andTransitCiphertexts() throws IOException {
        Path out = Fixture.tempDir();
        try (TestNode node = TestNode.start()) {
            Http admin = node.admin();
            assertEquals(200, admin.post("/v1/secret/data/db", Map.of("data", Map.of("pw", "one"))).status());
            assertEquals(200, admin.post("/v1/secret/data/db", Map.of("data", Map.of("pw", "two"))).status());
            assertEquals(200, admin.post("/v1/secret/data/db", Map.of("data", Map.of("pw", "three"))).status());
            assertEquals(204, admin.post("/v1/secret/destroy/db", Map.of("versions", List.of(2))).status());
            assertEquals(200, admin.post("/v1/transit/keys/t", Map.of()).status());
            String ct = (String) Http.asMap(admin.post("/v1/transit/encrypt/t", Map.of("plaintext", Http.b64("hi")))
                    .json().get("data")).get("ciphertext");
            node.stop();

            Path file = out.resolve("keyward.kwbackup");
            Cmd.ok("backup", "--data-dir", node.dir.toString(), "--out", file.toString());
            for (String f : List.of("keyward.db", "keyward.db-wal", "keyward.db-shm")) {
                Files.deleteIfExists(node.dir.resolve(f));
            }
            Cmd.ok("restore", "--data-dir", node.dir.toString(), "--in", file.toString());

            try (TestNode again = TestNode.startIn(node.dir, false)) {
                Http a = again.admin();
                assertEquals("one", data(a.get("/v1/secret/data/db?version=1")).get("pw"));
                assertEquals(404, a.get("/v1/secret/data/db?version=2").status(), "the erased version stays erased");
                assertEquals("three", data(a.get("/v1/secret/data/db")).get("pw"));
                Http.Res d = a.post("/v1/transit/decrypt/t", Map.of("ciphertext", ct));
                assertEquals(Http.b64("hi"), Http.asMap(d.json().get("data")).get("plaintext"), d.toString());
            }
        } finally {
            TestNode.deleteTree(out);
        }
    }

    private static Map<String, Object> data(Http.Res r) {
        assertEquals(200, r.status(), r.toString());
        return Http.asMap(Http.asMap(r.json().get("data")).get("data"));
    }
}
