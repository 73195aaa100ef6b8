package keyward.http.wire;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and its answer on a {@link Connection}, with the semantics of the JDK's engine:
 * {@link #sendResponseHeaders} with a length above 0 announces it, 0 sends chunks, -1 no body.
 * Used by the connection's thread (the handler) only.
 */
final class WireExchange extends HttpExchange {
    private final Connection conn;
    private final RequestHead head;
    private final RequestBody body;
    private final Headers responseHeaders = new Headers();
    private HttpContext context;
    private InputStream in;
    private OutputStream out;
    private ResponseBody responseBody;
    private int responseCode = -1;
    private Map<String, Object> attributes;

    WireExchange(Connection conn, RequestHead head, RequestBody body) {
        this.conn = conn;
        this.head = head;
        this.body = body;
        this.in = body;
    }

    void context(HttpContext c) {
        this.context = c;
    }

    boolean expectsContinue() {
        return head.expectContinue() && responseCode == -1;
    }

    boolean answered() {
        return responseCode != -1;
    }

    /** Whether the request body was read to its end. */
    boolean bodyComplete() {
        return body.complete();
    }

    RequestBody body() {
        return body;
    }

    @Override
    public Headers getRequestHeaders() {
        return head.headers();
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri();
    }

    @Override
    public String getRequestMethod() {
        return head.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        if (out == null) {
            throw new IllegalStateException("sendResponseHeaders must be called before getResponseBody");
        }
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (responseCode != -1) {
            throw new IOException("the answer's headers were sent already");
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("bad status " + code);
        }
        responseCode = code;
        conn.answering();
        boolean bodiless = head.method().equals("HEAD") || code == 204 || code == 304 || code < 200 || length < 0;
        if (!bodiless && length == 0 && !head.protocol().equals("HTTP/1.1")) {
            conn.keepAlive = false; // HTTP/1.0 knows no chunks: the body ends with the connection
        }
        if (hasToken(responseHeaders.get("Connection"), "close")) {
            conn.keepAlive = false;
        }
        StringBuilder sb = conn.scratch();
        sb.append("HTTP/1.1 ").append(code).append(' ').append(WireServer.reason(code)).append("\r\n");
        for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
            for (String v : e.getValue()) {
                sb.append(e.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        if (length > 0) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        } else if (length == 0 && !bodiless && head.protocol().equals("HTTP/1.1")) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (length < 0 && code >= 200 && code != 204 && code != 304) {
            sb.append("Content-Length: 0\r\n");
        }
        if (!conn.keepAlive && !responseHeaders.containsKey("Connection")) {
            sb.append("Connection: close\r\n");
        }
        sb.append("\r\n");
        OutputStream raw = conn.output();
        try {
            raw.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw conn.failed(e);
        }
        if (bodiless) {
            responseBody = ResponseBody.none(raw, conn);
        } else if (length > 0) {
            responseBody = ResponseBody.fixed(raw, conn, length);
        } else if (head.protocol().equals("HTTP/1.1")) {
            responseBody = ResponseBody.chunked(raw, conn);
        } else {
            responseBody = ResponseBody.fixed(raw, conn, Long.MAX_VALUE);
        }
        if (out == null) {
            out = responseBody;
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return conn.remote();
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return conn.local();
    }

    @Override
    public String getProtocol() {
        return head.protocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** Ends the exchange: the request body is closed, the answer's body ended and sent. */
    @Override
    public void close() {
        body.close();
        if (responseBody != null) {
            try {
                responseBody.close();
            } catch (IOException e) {
                conn.keepAlive = false; // the connection failed; the handler learns it from its own writes
            }
        }
    }

    private static boolean hasToken(List<String> values, String token) {
        if (values != null) {
            for (String v : values) {
                for (String t : v.split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
