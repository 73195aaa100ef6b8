package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cryptographic operations through the real PyKMIP 0.10 client (Debian's python3-pykmip, run
 * with /usr/bin/python3), in every protocol version it speaks, each checked against Python's own
 * cryptography: raw AES modes with client and server IVs, GCM tag and AAD, RSA-OAEP, signatures,
 * MACs, derived keys, wrapped Get, and the refusals. pykmip_crypto.py lists every check.
 */
class PyKmipCryptoTest {
    @TempDir
    static Path dir;

    static KmipNode k;

    @BeforeAll
    static void start() throws Exception {
        k = KmipNode.start(dir);
    }

    @AfterAll
    static void stop() {
        if (k != null) {
            k.close();
        }
    }

    @Test
    void pykmip_cryptographicOperations_inEveryProtocolVersion() throws Exception {
        String rsa = restKey("rsa-2048", "rsa-pub.pem");
        String ec = restKey("ec-p256", "ec-pub.pem");
        String ed = restKey("ed25519", "ed-pub.pem");
        byte[] hmacKey = new byte[32];
        new java.security.SecureRandom().nextBytes(hmacKey);
        KmipNode.Res hmac = k.call("POST", "/v1/keys/import", k.alice,
                Map.of("algorithm", "hmac-sha256", "material", Base64.getEncoder().encodeToString(hmacKey)));
        assertEquals(201, hmac.status(), hmac.body());

        List<String> versions = List.of("1.0", "1.1", "1.2", "1.3", "1.4", "2.0");
        List<Process> running = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String v : versions) {
            Path out = dir.resolve("crypto-" + v + ".out");
            outputs.add(out);
            running.add(PyKmipTest.python(out, "pykmip_crypto.py", String.valueOf(k.kmipPort()), dir.toString(), v,
                    rsa, ec, ed, (String) hmac.json().get("id"), HexFormat.of().formatHex(hmacKey)));
        }
        for (int i = 0; i < running.size(); i++) {
            String output = PyKmipTest.finish(running.get(i), outputs.get(i));
            assertTrue(output.endsWith("ALL OK\n"), "KMIP " + versions.get(i) + ":\n" + output);
            if (versions.get(i).equals("1.4") || versions.get(i).equals("2.0")) {
                assertTrue(output.contains("ok gcm bad tag -> Cryptographic Failure"), output);
            }
        }
    }

    /** A key of alice's made over REST, its public key written to {@code pem} in the test folder. */
    private static String restKey(String algorithm, String pem) throws Exception {
        KmipNode.Res made = k.call("POST", "/v1/keys", k.alice, Map.of("algorithm", algorithm));
        assertEquals(201, made.status(), made.body());
        String id = (String) made.json().get("id");
        KmipNode.Res pub = k.call("GET", "/v1/keys/" + id + "/public", k.alice, null);
        assertEquals(200, pub.status(), pub.body());
        Files.writeString(dir.resolve(pem), (String) pub.json().get("public_key"));
        return id;
    }
}
