package keyward.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * The scenarios {@code make bench} knows, as ready-made request bytes against one server. The
 * keys they use are made here through the API ({@link #setUp}); "locate-tag" expects the keys
 * {@link Fill} made: 100,000 keys, ten to each tag {@code grp-N}.
 */
final class Scenarios {
    static final List<String> ALL = List.of("encrypt-64B", "transit-encrypt-64B", "encrypt-4KiB", "decrypt-64B", "decrypt-4KiB",
            "batch-encrypt-100", "datakey", "sign-ecdsa-p256", "sign-ed25519", "create-key", "locate-tag");

    private static final String AES = "bench-aes";
    private static final String P256 = "bench-p256";
    private static final String ED25519 = "bench-ed25519";

    /**
     * Locate's target is a latency: measured at light concurrency, since at 32 connections on two
     * cores a p50 is mostly time spent queueing (32 / throughput).
     */
    static final int LATENCY_CONNECTIONS = 4;

    /**
     * A scenario's requests (sent in turn), how many operations one request carries, its
     * connection count (0: the run's) and its least warm-up in seconds (0: the run's).
     */
    record Scenario(String name, List<byte[]> requests, int itemsPerRequest, int connections, int minWarmupSeconds) {
        Scenario(String name, List<byte[]> requests, int itemsPerRequest, int connections) {
            this(name, requests, itemsPerRequest, connections, 0);
        }
    }

    /**
     * Locate runs a few hundred requests a second on the database backends, on code (the query
     * builder, the JDBC driver's result path, key JSON) that the encrypt warm-up never ran: with
     * the run's 2 s warm-up, C2 was still compiling it through the measured window (a third of a
     * core, per-thread CPU), which counted as locate's latency.
     */
    static final int LOCATE_WARMUP_SECONDS = 6;

    private final int port;
    private final String token;
    private final int tagGroups;
    private final Random random = new Random(42);
    private String ciphertext64;
    private String ciphertext4k;

    private Scenarios(int port, String token, int tagGroups) {
        this.port = port;
        this.token = token;
        this.tagGroups = tagGroups;
    }

    /** Scenarios against a Keyward server: creates the keys and ciphertexts they need. */
    static Scenarios setUp(int port, String token, int keys) throws IOException {
        Scenarios s = new Scenarios(port, token, Math.max(1, keys / Fill.KEYS_PER_TAG));
        s.createKey(AES, "aes-256-gcm");
        s.createKey(P256, "ec-p256");
        s.createKey(ED25519, "ed25519");
        s.ciphertext64 = s.encrypt(64);
        s.ciphertext4k = s.encrypt(4096);
        return s;
    }

    /** The bare ceiling: it answers anything, so no setup; its one scenario is encrypt-64B's request. */
    static Scenario ceiling(int port) {
        Scenarios s = new Scenarios(port, "bench-token-not-checked", 1);
        return s.build("encrypt-64B");
    }

    Scenario build(String name) {
        return switch (name) {
            case "encrypt-64B" -> one(name, post(AES, "encrypt", "{\"plaintext\":\"" + b64(64) + "\"}"));
            // the same key through the Vault-compatible Transit route (docs/vault.md): vault:v1: layout
            case "transit-encrypt-64B" -> one(name, Http.request("POST", "/v1/transit/encrypt/" + AES, port, token,
                    "{\"plaintext\":\"" + b64(64) + "\"}", true));
            case "encrypt-4KiB" -> one(name, post(AES, "encrypt", "{\"plaintext\":\"" + b64(4096) + "\"}"));
            case "decrypt-64B" -> one(name, post(AES, "decrypt", "{\"ciphertext\":\"" + ciphertext64 + "\"}"));
            case "decrypt-4KiB" -> one(name, post(AES, "decrypt", "{\"ciphertext\":\"" + ciphertext4k + "\"}"));
            case "batch-encrypt-100" -> new Scenario(name, List.of(post(AES, "encrypt", batch(100))), 100, 0);
            case "datakey" -> one(name, post(AES, "datakey", "{\"bits\":256}"));
            case "sign-ecdsa-p256" -> one(name, post(P256, "sign", "{\"message\":\"" + b64(64) + "\"}"));
            case "sign-ed25519" -> one(name, post(ED25519, "sign", "{\"message\":\"" + b64(64) + "\"}"));
            case "create-key" -> one(name, Http.request("POST", "/v1/keys", port, token,
                    "{\"algorithm\":\"aes-256-gcm\",\"tags\":[\"bench-created\"]}", true));
            case "locate-tag" -> new Scenario(name, locates(1000), 1, LATENCY_CONNECTIONS, LOCATE_WARMUP_SECONDS);
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + ALL);
        };
    }

    private List<byte[]> locates(int variants) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < variants; i++) {
            out.add(Http.request("GET", "/v1/keys?tag=" + Fill.tag(random.nextInt(tagGroups)), port, token, null, true));
        }
        return out;
    }

    private static Scenario one(String name, byte[] request) {
        return new Scenario(name, List.of(request), 1, 0);
    }

    private byte[] post(String key, String op, String body) {
        return Http.request("POST", "/v1/keys/" + key + "/" + op, port, token, body, true);
    }

    private String batch(int items) {
        StringJoiner j = new StringJoiner(",", "{\"batch\":[", "]}");
        for (int i = 0; i < items; i++) {
            j.add("{\"plaintext\":\"" + b64(64) + "\"}");
        }
        return j.toString();
    }

    private String b64(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private void createKey(String name, String algorithm) throws IOException {
        Http.ok(port, "POST", "/v1/keys", token, "{\"name\":\"" + name + "\",\"algorithm\":\"" + algorithm + "\"}");
    }

    private String encrypt(int bytes) throws IOException {
        Http.Answer a = Http.ok(port, "POST", "/v1/keys/" + AES + "/encrypt", token, "{\"plaintext\":\"" + b64(bytes) + "\"}");
        return (String) a.json().get("ciphertext");
    }
}
