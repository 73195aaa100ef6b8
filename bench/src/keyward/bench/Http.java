package keyward.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import keyward.json.Json;

/**
 * Builds raw HTTP/1.1 requests for the load generator, and sends single requests for setup and
 * readiness over a fresh connection that the server closes after the answer. Stateless.
 */
final class Http {
    private static final int MAX_ANSWER = 8 << 20;
    private static final Json.Limits LIMITS = new Json.Limits(64, 1 << 20, MAX_ANSWER);

    /** A status and the body as text. */
    record Answer(int status, String body) {
        Map<?, ?> json() {
            return (Map<?, ?>) Json.parse(body, LIMITS);
        }
    }

    private Http() {
    }

    /** A complete request; {@code body} null sends none. */
    static byte[] request(String method, String path, int port, String token, String body, boolean keepAlive) {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n");
        if (token != null) {
            sb.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
        }
        if (!keepAlive) {
            sb.append("Connection: close\r\n");
        }
        byte[] head = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + b.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(b, 0, out, head.length, b.length);
        return out;
    }

    /** Sends one request and reads the answer until the server closes; bounded by {@code timeoutMs}. */
    static Answer send(int port, String method, String path, String token, String body, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(request(method, path, port, token, body, false));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
                if (all.size() > MAX_ANSWER) {
                    throw new IOException("answer to " + method + " " + path + " is too large");
                }
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || split < 0) {
                throw new IOException("no HTTP answer to " + method + " " + path);
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(split + 4));
        }
    }

    /** Sends one request and insists on a 2xx status. */
    static Answer ok(int port, String method, String path, String token, String body) throws IOException {
        Answer a = send(port, method, path, token, body, 30_000);
        if (a.status() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + a.status() + ": " + a.body());
        }
        return a;
    }
}
