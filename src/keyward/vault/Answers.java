package keyward.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.json.Json;

/** Vault's response envelope and error body. */
final class Answers {
    private Answers() {
    }

    /**
     * The envelope every successful Vault answer has: request_id, lease_id, renewable,
     * lease_duration, data, wrap_info, warnings, auth.
     */
    static Map<String, Object> envelope(Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", requestId());
        m.put("lease_id", "");
        m.put("renewable", false);
        m.put("lease_duration", 0L);
        m.put("data", data == null ? Json.NULL : data);
        m.put("wrap_info", Json.NULL);
        m.put("warnings", Json.NULL);
        m.put("auth", Json.NULL);
        return m;
    }

    static VaultReply ok(String operation, String keyRef, Object data) {
        return new VaultReply(200, envelope(data), operation, keyRef);
    }

    static VaultReply noContent(String operation, String keyRef) {
        return new VaultReply(204, null, operation, keyRef);
    }

    /** Vault's error body: {"errors": [messages]}; an empty list for a plain "not found". */
    static Map<String, Object> errors(List<String> messages) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errors", List.copyOf(messages));
        return m;
    }

    /**
     * A random UUID-shaped request id, as Vault gives every answer. It names a request in logs and
     * guards nothing, so it comes from the thread's fast generator, not the CSPRNG (which every
     * encrypt already takes a lock on once, for its nonce).
     */
    static String requestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return new java.util.UUID(r.nextLong() & ~0xF000L | 0x4000L,
                r.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
    }
}
