package keyward.http;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.log.Log;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import org.junit.jupiter.api.Test;

/**
 * A workload over every kind of endpoint, with the log at DEBUG: no token, key material,
 * plaintext or ciphertext appears in the server log or in any audit entry.
 */
class SecretsNeverLoggedTest {

    @Test
    void noTokenMaterialPlaintextOrCiphertext_reachesTheLogOrTheAuditTable() throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>();
        try (TestNode node = TestNode.start("--log-level=debug")) {
            Log.setOutput(capture);
            Log.setLevel(Log.Level.DEBUG);
            try {
                Http admin = node.admin();
                secrets.add(node.adminToken);
                String alice = node.newUser("alice");
                secrets.add(alice);
                String extra = admin.post("/v1/users/alice/tokens", Map.of("expires_in", 3600L)).str("token");
                secrets.add(extra);
                for (String alg : List.of("aes-256-gcm", "chacha20-poly1305", "rsa-2048", "hmac-sha256", "ec-p256", "ed25519", "secret")) {
                    String id = admin.post("/v1/keys", Map.of("algorithm", alg, "exportable", true, "name", "scan-" + alg)).str("id");
                    secrets.add(admin.post("/v1/keys/" + id + "/export", Map.of()).str("material"));
                    String pt = b64("PLAINTEXT-" + alg + "-never-logged");
                    secrets.add(pt);
                    Http.Res enc = admin.post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", pt));
                    if (enc.status() == 200) {
                        String ct = enc.str("ciphertext");
                        secrets.add(ct.substring(ct.lastIndexOf(':') + 1));
                        admin.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct));
                        Http.Res dk = admin.post("/v1/keys/" + id + "/datakey", Map.of());
                        secrets.add(dk.str("plaintext"));
                        // a tampered ciphertext must not be echoed either
                        admin.post("/v1/keys/" + id + "/decrypt", Map.of("ciphertext", ct.substring(0, ct.length() - 4) + "AAA="));
                    }
                    admin.post("/v1/keys/" + id + "/sign", Map.of("message", pt));
                    admin.post("/v1/keys/" + id + "/mac", Map.of("message", pt));
                }
                String imported = b64("IMPORTED-MATERIAL-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
                secrets.add(imported);
                admin.post("/v1/keys/import", Map.of("algorithm", "secret", "material", imported));
                // failures: wrong tokens that look real, bad base64, broken JSON
                String fake = "kw_" + "A".repeat(43);
                secrets.add(fake);
                node.http(fake).get("/v1/whoami");
                admin.send("POST", "/v1/keys/scan-aes-256-gcm/encrypt",
                        "{\"plaintext\": \"SECRET-IN-BROKEN-JSON\"".getBytes(StandardCharsets.UTF_8), "application/json");
                secrets.add("SECRET-IN-BROKEN-JSON");
                assertEquals(200, node.http(alice).get("/v1/whoami").status());
            } finally {
                Log.setOutput(System.out);
                Log.setLevel(Log.Level.WARN);
            }
            assertTrue(node.node.audit().flush(Duration.ofSeconds(10)));
            List<AuditRecord> entries = node.node.store().listAudit(new AuditQuery(0, 10_000, null, null, null));
            assertTrue(entries.size() > 40, "audit entries: " + entries.size());
            StringBuilder audit = new StringBuilder();
            for (AuditRecord r : entries) {
                audit.append(r.user()).append('|').append(r.operation()).append('|').append(r.keyRef()).append('|')
                        .append(r.outcome()).append('|').append(r.remote()).append('\n');
            }
            String log = logBytes.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("op=encrypt"), "the log was captured");
            for (String s : secrets) {
                for (String form : forms(s)) {
                    assertFalse(log.contains(form), "a secret reached the log");
                    assertFalse(audit.toString().contains(form), "a secret reached the audit table");
                }
            }
        }
    }

    /** The secret as given, and (for base64) its raw bytes' hex, in probes long enough to be unique. */
    private static List<String> forms(String s) {
        List<String> out = new ArrayList<>();
        out.add(s.length() > 24 ? s.substring(0, 24) : s);
        try {
            byte[] raw = java.util.Base64.getDecoder().decode(s);
            if (raw.length >= 8) {
                out.add(HexFormat.of().formatHex(raw, 0, 8));
                out.add(new String(raw, 0, Math.min(raw.length, 16), StandardCharsets.ISO_8859_1));
            }
        } catch (IllegalArgumentException e) {
            // not base64: the plain form is enough
        }
        return out;
    }
}
