package keyward.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import keyward.Http;
import keyward.TestNode;
import keyward.crypto.Rand;
import org.junit.jupiter.api.Test;

/**
 * MariaDB encrypts with Keyward's keys: a throwaway mariadbd with the hashicorp_key_management
 * plugin reads its InnoDB keys from Keyward's KV v2 mount, over HTTP and over HTTPS.
 */
class MariaDbPluginTest {
    private static final String MARKER = "kw-plaintext-marker-" + HexFormat.of().formatHex(Rand.bytes(8));

    @Test
    void mariadb_encryptsTablesLogsAndTempFiles_withKeywardKeys_overHttp() throws Exception {
        Path tmp = Files.createTempDirectory("kw-mariadb-");
        try (TestNode node = TestNode.start(); MariaDb db = MariaDb.install(tmp.resolve("db"))) {
            String token = node.newUser("mariadb");
            Http kv = node.http(token);
            writeKey(kv, 1);
            writeKey(kv, 2);
            String url = "http://127.0.0.1:" + node.node.port() + "/v1/secret";

            assertFalse(db.start(url, "not-a-token", null), "a wrong token must keep mariadbd from starting");
            assertNotEquals(0, db.exitCode());

            assertTrue(db.start(url, token, null), db.errorLog());
            db.sql("CREATE DATABASE kwt;"
                    + "CREATE TABLE kwt.t1 (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB ENCRYPTED=YES ENCRYPTION_KEY_ID=1;"
                    + "CREATE TABLE kwt.t2 (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB ENCRYPTED=YES ENCRYPTION_KEY_ID=2;"
                    + "INSERT INTO kwt.t1 VALUES (1, '" + MARKER + "-one');"
                    + "INSERT INTO kwt.t2 VALUES (1, '" + MARKER + "-two');");
            assertEquals(MARKER + "-one", db.sql("SELECT v FROM kwt.t1 WHERE id = 1"));
            assertEquals(MARKER + "-two", db.sql("SELECT v FROM kwt.t2 WHERE id = 1"));
            awaitKeyVersion(db, "kwt/t1", "1");

            writeKey(kv, 1);  // rotation in Keyward: version 2 of key 1
            awaitKeyVersion(db, "kwt/t1", "2");
            db.sql("INSERT INTO kwt.t1 VALUES (2, '" + MARKER + "-three');"
                    + "CREATE TEMPORARY TABLE kwt.tmp1 (v VARCHAR(200)) ENGINE=InnoDB;"
                    + "INSERT INTO kwt.tmp1 SELECT v FROM kwt.t1;");

            db.stop();  // the redo log was begun under version 1 of key 1: a restart fetches ?version=1
            long before = versionReads(node);
            assertTrue(db.start(url, token, null), db.errorLog());
            awaitVersionReads(node, before);
            assertEquals(MARKER + "-one\n" + MARKER + "-three", db.sql("SELECT v FROM kwt.t1 ORDER BY id"));
            assertEquals(MARKER + "-two", db.sql("SELECT v FROM kwt.t2"));
            awaitKeyVersion(db, "kwt/t1", "2");
            db.stop();

            assertNoPlaintext(db.data);
        } finally {
            TestNode.deleteTree(tmp);
        }
    }

    @Test
    void mariadb_readsKeysOverHttps_verifyingOurCertificate() throws Exception {
        Path tmp = Files.createTempDirectory("kw-mariadb-tls-");
        try {
            Path pki = Files.createDirectories(tmp.resolve("pki"));
            openssl(pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=kw-test-ca",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl(pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "other.key", "-out", "other.pem", "-days", "2", "-subj", "/CN=kw-other-ca",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            Files.writeString(pki.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                    + "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
            openssl(pki, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
            openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "7",
                    "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
            try (TestNode node = TestNode.start("--tls-cert-file=" + pki.resolve("server.pem"),
                    "--tls-key-file=" + pki.resolve("server.key"));
                 MariaDb db = MariaDb.install(tmp.resolve("db"))) {
                String token = node.adminToken;
                String url = "https://localhost:" + node.node.port() + "/v1/secret";
                writeKeyWithCurl(pki, url, token, 1);
                writeKeyWithCurl(pki, url, token, 2);

                assertTrue(db.start(url, token, pki.resolve("ca.pem")), db.errorLog());
                db.sql("CREATE DATABASE kwt;"
                        + "CREATE TABLE kwt.t1 (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB ENCRYPTED=YES ENCRYPTION_KEY_ID=1;"
                        + "INSERT INTO kwt.t1 VALUES (1, '" + MARKER + "-tls');");
                assertEquals(MARKER + "-tls", db.sql("SELECT v FROM kwt.t1"));
                db.stop();
                assertNoPlaintext(db.data);

                // a CA that did not sign our certificate: the plugin must refuse to load
                assertFalse(db.start(url, token, pki.resolve("other.pem")), "an untrusted certificate must stop mariadbd");
            }
        } finally {
            TestNode.deleteTree(tmp);
        }
    }

    /** How many reads of key 1 with ?version=N the audit holds (they are audited as vault.kv.read_version). */
    private static long versionReads(TestNode node) {
        long n = 0;
        Object after = null;
        do {
            Http.Res r = node.admin().get("/v1/audit?user=mariadb&limit=1000" + (after == null ? "" : "&after=" + after));
            assertEquals(200, r.status(), r.toString());
            n += Http.asList(r.json().get("entries")).stream().map(Http::asMap)
                    .filter(e -> "vault.kv.read_version".equals(e.get("operation")) && "kv-secret-31".equals(e.get("key")))
                    .count();
            after = r.json().get("next");
        } while (after != null && after != keyward.json.Json.NULL);
        return n;
    }

    private static void awaitVersionReads(TestNode node, long before) throws InterruptedException {
        keyward.Poll.until("mariadbd fetching an old version of key 1 with ?version=N", java.time.Duration.ofSeconds(15),
                () -> versionReads(node) > before);
    }

    /** Writes a new random AES-256 key as the next version of InnoDB key {@code id}. */
    private static void writeKey(Http kv, int id) {
        String hex = HexFormat.of().formatHex(Rand.bytes(32));
        Http.Res r = kv.post("/v1/secret/data/" + id, Map.of("data", Map.of("data", hex)));
        assertEquals(200, r.status(), r.toString());
    }

    private static void writeKeyWithCurl(Path pki, String url, String token, int id) throws Exception {
        String body = "{\"data\": {\"data\": \"" + HexFormat.of().formatHex(Rand.bytes(32)) + "\"}}";
        Process p = new ProcessBuilder("/usr/bin/curl", "-sS", "-f", "--cacert", pki.resolve("ca.pem").toString(),
                "-H", "X-Vault-Token: " + token, "-H", "Content-Type: application/json", "--data", body,
                url + "/data/" + id).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }

    /** Polls (at most 30 s) until the tablespace's current key version is {@code version}. */
    private static void awaitKeyVersion(MariaDb db, String table, String version) throws Exception {
        String q = "SELECT CURRENT_KEY_VERSION FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE NAME = '"
                + table + "'";
        String[] seen = {""};
        if (!keyward.Poll.within(java.time.Duration.ofSeconds(30), () -> (seen[0] = sqlUnchecked(db, q)).equals(version))) {
            throw new AssertionError("key version of " + table + " stayed '" + seen[0] + "', expected " + version);
        }
    }

    private static String sqlUnchecked(MariaDb db, String q) {
        try {
            return db.sql(q);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** No file under the data dir holds the marker the rows carry. */
    private static void assertNoPlaintext(Path data) throws IOException {
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        List<Path> files;
        try (var s = Files.walk(data)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertFalse(indexOf(bytes, marker) >= 0, "plaintext row found in " + f);
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

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }
}
