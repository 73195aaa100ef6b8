package keyward.ops;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.cli.Cli;
import keyward.core.KekRotation;
import keyward.crypto.Kek;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import org.junit.jupiter.api.Test;

/** rotate-kek online: interrupted halfway, run again, done; the old KEK opens nothing; everything decrypts. */
class KekRotationTest {
    private record Sealed(String key, String ct, String pt) {
    }

    @Test
    void rotateKek_interruptedAndRunAgain_finishes_oldKekOpensNothing_everythingDecrypts() throws Exception {
        try (TestNode node = TestNode.start()) {
            Http h = node.admin();
            List<Sealed> sealed = new ArrayList<>();
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < 260; i++) {
                String id = h.post("/v1/keys", Map.of("algorithm", i % 2 == 0 ? "aes-256-gcm" : "chacha20-poly1305")).str("id");
                if (i % 25 == 0) {
                    h.post("/v1/keys/" + id + "/rotate", Map.of());
                    String pt = b64("secret " + i);
                    sealed.add(new Sealed(id, h.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", pt)).str("ciphertext"), pt));
                }
                batch.add(id);
            }
            String signing = h.post("/v1/keys", Map.of("algorithm", "ed25519")).str("id");
            String sig = h.post("/v1/keys/" + signing + "/sign", Map.of("message", b64("m"))).str("signature");
            String wrappingBefore = h.get("/v1/wrapping-key").str("public_key");
            Kek old = Kek.load(node.dir.resolve("kek.key"));

            // first run dies after its first page of re-wrapping
            PrintStream dying = new PrintStream(new OutputStream() {
                private final StringBuilder line = new StringBuilder();

                @Override
                public void write(int b) {
                    line.append((char) b);
                    if (b == '\n' && line.toString().contains("keys checked")) {
                        throw new IllegalStateException("simulated crash");
                    }
                    if (b == '\n') {
                        line.setLength(0);
                    }
                }
            }, true, StandardCharsets.UTF_8);
            int code = Cli.run(new String[] {"rotate-kek", "--data-dir", node.dir.toString(), "--switch-wait-ms", "1500"},
                    dying, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(1, code);
            assertTrue(Files.exists(node.dir.resolve("kek.key.next")));
            long underOld = KekRotation.countUnder(node.node.store(), old.id());
            assertTrue(underOld > 0, "the interrupted run left work to do");

            // the running server reads both generations meanwhile, and wraps new keys under the new KEK
            for (Sealed s : sealed) {
                assertEquals(s.pt, h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
            }
            String during = h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
            String duringCt = h.post("/v1/keys/" + during + "/encrypt", Map.of("plaintext", b64("during"))).str("ciphertext");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            code = Cli.run(new String[] {"rotate-kek", "--data-dir", node.dir.toString(), "--switch-wait-ms", "1500"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.contains("resuming"), text);
            assertFalse(Files.exists(node.dir.resolve("kek.key.next")));
            Kek now = Kek.load(node.dir.resolve("kek.key"));
            assertNotEquals(old.id(), now.id());

            assertEquals(0, KekRotation.countUnder(node.node.store(), old.id()));
            byte[] canary = node.node.store().getMeta("kek.canary").orElseThrow();
            assertFalse(old.opensCanary(canary), "the old KEK still opens the canary");
            assertTrue(now.opensCanary(canary));
            for (KeyRecord k : node.node.store().locate(KeyQuery.all(1000, null)).keys()) {
                for (KeyVersion v : k.versions()) {
                    assertEquals(now.id(), v.kekId());
                }
            }
            for (Sealed s : sealed) {
                assertEquals(s.pt, h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
            }
            assertEquals(b64("during"), h.post("/v1/keys/" + during + "/decrypt", Map.of("ciphertext", duringCt)).str("plaintext"));
            assertEquals(Boolean.TRUE, h.post("/v1/keys/" + signing + "/verify", Map.of("message", b64("m"), "signature", sig))
                    .json().get("valid"));

            node.stop();
            try (TestNode again = TestNode.startIn(node.dir, false)) {
                Http h2 = again.admin();
                for (Sealed s : sealed) {
                    assertEquals(s.pt, h2.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
                }
                assertEquals(wrappingBefore, h2.get("/v1/wrapping-key").str("public_key"));
            }
        }
    }
}
