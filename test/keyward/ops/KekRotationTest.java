package keyward.ops;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import keyward.Http;
import keyward.TestNode;
import keyward.cli.Cli;
import keyward.core.KekRotation;
import keyward.crypto.Kek;
import keyward.crypto.Rand;
import keyward.crypto.Secret;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Store;
import keyward.store.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rotate-kek online, on every backend: interrupted halfway, run again, done; the old KEK opens nothing; everything decrypts. */
class KekRotationTest {
    /** The Redis database this test empties and uses (other tests use others). */
    private static final int REDIS_DB = 13;

    private record Sealed(String key, String ct, String pt) {
    }

    /** On every backend: its database flags, on a new database (a Redis database emptied first), dropped after. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql", "mysql", "redis-findex"})
    void rotateKek_interruptedAndRunAgain_finishes_oldKekOpensNothing_everythingDecrypts(String type) throws Exception {
        if (!type.equals("redis-findex")) {
            List<String> flags = TestDatabases.newNodeDatabase(type);
            try {
                rotateInterruptedAndAgain(flags.toArray(String[]::new));
            } finally {
                TestDatabases.dropNodeDatabase(flags);
            }
            return;
        }
        String url = TestDatabases.redisUrl() + "/" + REDIS_DB;
        flushRedis();
        Path password = Files.createTempFile("kw-kek-rotation-", ".pass");
        try {
            Files.writeString(password, "kek rotation test password\n", StandardCharsets.UTF_8);
            rotateInterruptedAndAgain("--database-type=redis-findex", "--database-url=" + url,
                    "--redis-master-password-file=" + password);
        } finally {
            flushRedis();
            Files.deleteIfExists(password);
        }
    }

    private static void flushRedis() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-n", Integer.toString(REDIS_DB), "FLUSHDB").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "redis-cli FLUSHDB did not end");
    }

    private static void rotateInterruptedAndAgain(String... flags) throws Exception {
        try (TestNode node = TestNode.start(flags)) {
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
            Map<String, byte[]> bulk = insertDirectly(node.node.store(), old, 2 * Store.MAX_BULK_KEYS);

            // first run dies after its first page of re-wrapping (one bulk write of Store.MAX_BULK_KEYS keys)
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
            int code = Cli.run(rotateKek(node, flags), dying, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(1, code);
            assertTrue(Files.exists(node.dir.resolve("kek.key.next")));
            long underOld = KekRotation.countUnder(node.node.store(), old.id());
            assertTrue(underOld > 0, "the interrupted run left work to do");
            assertTrue(underOld < bulk.size(), "the interrupted run wrote its first page: " + underOld);

            // the running server reads both generations meanwhile, and wraps new keys under the new KEK
            for (Sealed s : sealed) {
                assertEquals(s.pt, h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
            }
            String during = h.post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
            String duringCt = h.post("/v1/keys/" + during + "/encrypt", Map.of("plaintext", b64("during"))).str("ciphertext");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            code = Cli.run(rotateKek(node, flags), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
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
            String after = null;
            do {
                KeyPage page = node.node.store().locate(KeyQuery.all(1000, after));
                for (KeyRecord k : page.keys()) {
                    for (KeyVersion v : k.versions()) {
                        assertEquals(now.id(), v.kekId());
                    }
                }
                after = page.next();
            } while (after != null);
            for (Sealed s : sealed) {
                assertEquals(s.pt, h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
            }
            for (Map.Entry<String, byte[]> e : bulk.entrySet()) {
                KeyRecord k = node.node.store().findKey(e.getKey()).orElseThrow();
                try (Secret material = now.unwrap(k.primary().wrapped(), k.id(), k.primary().kid(), "key-material")) {
                    assertArrayEquals(e.getValue(), material.revealBytes(), "key " + k.id() + " re-wrapped intact");
                }
            }
            assertEquals(b64("during"), h.post("/v1/keys/" + during + "/decrypt", Map.of("ciphertext", duringCt)).str("plaintext"));
            assertEquals(Boolean.TRUE, h.post("/v1/keys/" + signing + "/verify", Map.of("message", b64("m"), "signature", sig))
                    .json().get("valid"));

            node.stop();
            try (TestNode again = TestNode.startIn(node.dir, false, flags)) {
                Http h2 = again.admin();
                for (Sealed s : sealed) {
                    assertEquals(s.pt, h2.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ct)).str("plaintext"));
                }
                assertEquals(wrappingBefore, h2.get("/v1/wrapping-key").str("public_key"));
            }
        }
    }

    private static String[] rotateKek(TestNode node, String... flags) {
        List<String> args = new ArrayList<>(List.of("rotate-kek", "--data-dir", node.dir.toString(), "--switch-wait-ms", "1500"));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    /** Keys written straight into the store (as a restore would), material wrapped under {@code kek}; returns id to material. */
    private static Map<String, byte[]> insertDirectly(Store store, Kek kek, int n) {
        Map<String, byte[]> material = new LinkedHashMap<>();
        List<KeyRecord> chunk = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < n; i++) {
            KeyRecord.Builder b = new KeyRecord.Builder();
            b.id = UUID.randomUUID().toString();
            b.algorithm = "aes-256-gcm";
            b.state = KeyState.ACTIVE;
            b.owner = "admin";
            b.primaryVersion = 1;
            b.minDecryptionVersion = 1;
            b.createdAt = now;
            b.updatedAt = now;
            byte[] plain = Rand.bytes(32);
            b.versions = List.of(new KeyVersion(1, 1, kek.id(), kek.wrap(plain, b.id, 1, "key-material"), null, now));
            b.rowVersion = 1;
            material.put(b.id, plain);
            chunk.add(b.build());
            if (chunk.size() == Store.MAX_BULK_KEYS) {
                store.insertKeys(chunk);
                chunk.clear();
            }
        }
        store.insertKeys(chunk);
        return material;
    }
}
