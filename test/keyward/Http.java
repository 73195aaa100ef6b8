package keyward;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import keyward.json.Json;

/** A tiny HTTP client for tests: JSON in, parsed JSON out. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final String base;
    private final String token;

    public Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public Http as(String otherToken) {
        return new Http(base, otherToken);
    }

    /** A response: status, headers and body, with the body parsed when it is JSON. */
    public record Res(int status, Map<String, List<String>> headers, byte[] raw) {
        public Map<String, Object> json() {
            return asMap(Json.parse(raw, Json.Limits.DEFAULT));
        }

        public String text() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        public String str(String field) {
            return (String) json().get(field);
        }

        public String errorCode() {
            return (String) asMap(json().get("error")).get("code");
        }

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    public Res get(String path) {
        return send("GET", path, null, null);
    }

    public Res delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Res post(String path, Object json) {
        return send("POST", path, Json.writeBytes(json), "application/json");
    }

    public Res put(String path, Object json) {
        return send("PUT", path, Json.writeBytes(json), "application/json");
    }

    public Res patch(String path, Object json) {
        return send("PATCH", path, Json.writeBytes(json), "application/json");
    }

    public Res send(String method, String path, byte[] body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Res(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    public static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] unb64(Object s) {
        return Base64.getDecoder().decode((String) s);
    }
}
