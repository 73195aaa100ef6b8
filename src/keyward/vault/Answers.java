package keyward.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.crypto.Rand;
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

    /** A random UUID-shaped request id, as Vault gives every answer. */
    static String requestId() {
        String h = java.util.HexFormat.of().formatHex(Rand.bytes(16));
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }
}
