package keyward.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.Http;
import keyward.json.Json;

/**
 * A raw HTTP/1.1 client for access tests: one request per connection, from a chosen loopback
 * source address (so tests control what the server's per-address backoff sees), answering the
 * exact status line, headers and body bytes (so tests can compare answers byte for byte).
 */
final class AccessWire {
    private static final int MAX_RESPONSE = 4 << 20;
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

    private AccessWire() {
    }

    /** A loopback address not handed out before in this JVM: 127.1.x.y. */
    static String freshAddress() {
        int n = NEXT_ADDRESS.getAndIncrement();
        return "127.1." + (n / 250 % 250 + 1) + "." + (n % 250 + 1);
    }

    /** A raw answer. Header names are lower-cased, in the order the server sent them. */
    record Res(int status, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equals(name.toLowerCase(Locale.ROOT))) {
                    return h[1];
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Map<String, Object> json() {
            return Http.asMap(Json.parse(body, Json.Limits.DEFAULT));
        }

        String errorCode() {
            return (String) Http.asMap(json().get("error")).get("code");
        }

        /** Status, headers without Date, and body: what must match byte for byte between two answers. */
        String canonical() {
            StringBuilder sb = new StringBuilder().append(status).append('\n');
            for (String[] h : headers) {
                if (!h[0].equals("date")) {
                    sb.append(h[0]).append(": ").append(h[1]).append('\n');
                }
            }
            return sb.append('\n').append(text()).toString();
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /**
     * Sends one request from {@code from} to 127.0.0.1:{@code port}.
     *
     * @param authorization the whole Authorization header value, or null for none
     * @param json          a JSON body (sent as application/json), or null for none
     */
    static Res send(String from, int port, String method, String path, String authorization, Object json) {
        return send(from, port, method, path, authorization, json, null);
    }

    /** As {@link #send(String, int, String, String, String, Object)}, with an X-Forwarded-For header unless null. */
    static Res send(String from, int port, String method, String path, String authorization, Object json,
                    String forwardedFor) {
        byte[] body = json == null ? new byte[0] : Json.writeBytes(json);
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Connection: close\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (forwardedFor != null) {
            head.append("X-Forwarded-For: ").append(forwardedFor).append("\r\n");
        }
        if (json != null) {
            head.append("Content-Type: application/json\r\n");
        }
        if (json != null || !method.equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return parse(readAll(s.getInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " from " + from + " failed: " + e, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_RESPONSE) {
                throw new IOException("response larger than " + MAX_RESPONSE + " bytes");
            }
        }
        return buf.toByteArray();
    }

    private static Res parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete response head: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[] {lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim()});
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        return new Res(status, headers, body);
    }
}
