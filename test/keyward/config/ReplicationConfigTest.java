package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationConfigTest {

    private static final String CERT = "MIIBAAECAwQ=";
    private static final String HEAD = "[replication]\norigin = \"repl://node-a:8444\"\nbindaddress = \"127.0.0.1:8444\"\n";

    @TempDir
    Path dir;

    private Config load(String toml) throws IOException {
        Path f = dir.resolve("r.toml");
        Files.writeString(f, toml);
        return Config.load(List.of("--config", f.toString()), Map.of());
    }

    private String refusal(String toml) {
        return assertThrows(ConfigException.class, () -> load(toml)).getMessage();
    }

    @Test
    void replicationTable_withPartners_isReadInFileOrder() throws IOException {
        Config c = load(HEAD
                + "\n[replication.\"repl://node-b:8444\"]\ntype = \"mutual-pull\"\npartner_cert = \"" + CERT + "\"\n"
                + "automatic_refresh = true\n"
                + "\n[replication.\"repl://[::1]:9000\"]\ntype = \"pull\"\nsupplier_cert = \"" + CERT + "\"\n"
                + "\n[replication.\"repl://node-d:1\"]\ntype = \"allow-pull\"\nconsumer_cert = \"" + CERT + "\"\n");
        Config.Replication r = c.replication();
        assertEquals("repl://node-a:8444", r.origin());
        assertEquals("127.0.0.1:8444", r.bindAddress());
        assertEquals(List.of(
                new Config.Partner("repl://node-b:8444", "mutual-pull", CERT, null, null, true),
                new Config.Partner("repl://[::1]:9000", "pull", null, CERT, null, false),
                new Config.Partner("repl://node-d:1", "allow-pull", null, null, CERT, false)), r.partners());
        String text = c.describeMasked();
        assertTrue(text.contains("replication.\"repl://node-b:8444\".type = \"mutual-pull\"\n"), text);
        assertTrue(text.contains("replication.origin = \"repl://node-a:8444\"\n"), text);
    }

    @Test
    void replicationWithoutPartners_isAllowed() throws IOException {
        assertEquals(List.of(), load(HEAD).replication().partners());
        assertNull(load("port = 1\n").replication());
    }

    @Test
    void originAndBindAddress_areRequiredAndChecked() {
        assertTrue(refusal("[replication]\nbindaddress = \"h:1\"\n").endsWith("'replication' (file "
                + dir.resolve("r.toml") + " line 1) needs 'origin' (repl://host:port)"));
        assertTrue(refusal("[replication]\norigin = \"repl://h:1\"\n").endsWith("needs 'bindaddress' (host:port)"));
        assertTrue(refusal("[replication]\norigin = \"http://h:1\"\n").contains("'replication.origin' (file "));
        assertTrue(refusal("[replication]\norigin = \"repl://h:1\"\nbindaddress = \"h:70000\"\n")
                .contains("'replication.bindaddress' (file " + dir.resolve("r.toml") + " line 3) must be host:port"));
        assertTrue(refusal("[replication]\norigin = 1\n").endsWith("must be a string"));
        assertTrue(refusal("replication = 1\n").endsWith("must be a table"));
    }

    @Test
    void hostPort_acceptsOnlyHostAndValidPort() {
        for (String ok : List.of("h:1", "node-b.example:8444", "[::1]:65535", "10.0.0.1:443")) {
            assertTrue(ReplicationSection.isHostPort(ok), ok);
        }
        for (String bad : List.of("h", ":1", "h:", "h:0", "h:65536", "h:123456", "::1:80", "h/x:1", "h:1a", "h :1")) {
            assertFalse(ReplicationSection.isHostPort(bad), bad);
        }
    }

    @Test
    void partnerUrl_mustBeRepl() {
        String msg = refusal(HEAD + "[replication.\"https://node-b:8444\"]\ntype = \"pull\"\n");
        assertTrue(msg.contains("'replication.\"https://node-b:8444\"' (file "), msg);
        assertTrue(msg.contains("line 4) partner url must be repl://host:port"), msg);
    }

    @Test
    void partnerType_isRequiredAndChecked() {
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\npartner_cert = \"" + CERT + "\"\n")
                .endsWith("partner needs 'type' = one of mutual-pull, pull, allow-pull"));
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"push\"\n").contains("one of mutual-pull"));
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = 1\n").endsWith("must be a string"));
    }

    @Test
    void eachPartnerType_needsItsCertificate() {
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"mutual-pull\"\nsupplier_cert = \"" + CERT + "\"\n")
                .endsWith("partner of type 'mutual-pull' needs 'partner_cert'"));
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"pull\"\n").endsWith("needs 'supplier_cert'"));
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"allow-pull\"\n").endsWith("needs 'consumer_cert'"));
    }

    @Test
    void certificates_mustBeBase64() {
        String msg = refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"pull\"\nsupplier_cert = \"MII...\"\n");
        assertTrue(msg.contains("'replication.\"repl://b:1\".supplier_cert' (file "), msg);
        assertTrue(msg.endsWith("line 6) must be a base64 DER certificate"), msg);
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"pull\"\nsupplier_cert = \"\"\n")
                .endsWith("must be a base64 DER certificate"));
    }

    @Test
    void unknownKeysInReplication_areRefused() {
        assertTrue(refusal(HEAD + "origin2 = \"x\"\n").contains("unknown key 'replication.origin2' (file "));
        String msg = refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"pull\"\nsupplier_cert = \"" + CERT
                + "\"\nautomatic_refrsh = true\n");
        assertTrue(msg.contains("unknown key 'automatic_refrsh' in partner 'repl://b:1'"), msg);
        assertTrue(msg.endsWith("line 7)"), msg);
        assertTrue(refusal(HEAD + "[replication.\"repl://b:1\"]\ntype = \"pull\"\nsupplier_cert = \"" + CERT
                + "\"\nautomatic_refresh = \"yes\"\n").endsWith("must be true or false"));
    }
}
