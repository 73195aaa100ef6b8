package keyward.http;

import java.util.Map;

/** What a route answers: a status and a JSON-able body (Map, List, ...), or raw text for /metrics. */
record Reply(int status, Object body, String contentType) {
    static Reply ok(Object body) {
        return new Reply(200, body, null);
    }

    static Reply created(Object body) {
        return new Reply(201, body, null);
    }

    static Reply noContent() {
        return new Reply(204, null, null);
    }

    static Reply text(String body, String contentType) {
        return new Reply(200, body, contentType);
    }

    static Map<String, Object> error(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }
}
