package keyward.http.wire;

import com.sun.net.httpserver.Headers;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The strict reader of a request's line and headers (RFC 9112). It takes only what is
 * unambiguous: lines end in CRLF; the line is {@code METHOD SP /path SP HTTP/1.1} (or 1.0); no
 * control characters, no folded headers, no white space before a colon; Content-Length is digits
 * and agrees with itself; Transfer-Encoding is exactly {@code chunked} and never beside a
 * Content-Length (the two together are how requests are smuggled past proxies). Anything else is
 * a {@link Refusal} with a 4xx status, after which the connection is closed. The head is bounded
 * in size and header count. One parser per connection, used by its thread only.
 */
final class HeadParser {
    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 32768;
    static final int MAX_HEADERS = 100;

    private final SocketInput in;
    private final byte[] line = new byte[MAX_LINE];
    private int headBytes;

    HeadParser(SocketInput in) {
        this.in = in;
    }

    /**
     * The next request head, or null when the client closed the connection before sending one.
     *
     * @throws Refusal     the head is not one the server takes
     * @throws EOFException the client closed the connection in the middle of the head
     */
    RequestHead read() throws IOException, Refusal {
        headBytes = 0;
        int n;
        do { // RFC 9112 2.2: empty lines before a request line are ignored
            if (headBytes == 0 && !in.await()) {
                return null;
            }
            n = line(MAX_LINE, 414, "the request line");
        } while (n == 0);
        String requestLine = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
            throw new Refusal(400, "bad request line; send METHOD /path HTTP/1.1");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!isToken(method)) {
            throw new Refusal(400, "bad request method");
        }
        boolean http11 = version.equals("HTTP/1.1");
        if (!http11 && !version.equals("HTTP/1.0")) {
            throw new Refusal(400, version.startsWith("HTTP/") ? "unsupported HTTP version; use HTTP/1.1"
                    : "bad request line; send METHOD /path HTTP/1.1");
        }
        URI uri = target(target);
        Headers headers = headers(uri.getRawPath());
        return head(method, uri, version, http11, headers);
    }

    private URI target(String target) throws Refusal {
        if (target.isEmpty() || target.charAt(0) != '/') {
            throw new Refusal(400, "the request target must be a path starting with /");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new Refusal(400, "the request target holds a character that must be percent-encoded");
            }
            if (c == '%' && (i + 2 >= target.length() || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2)))) {
                throw new Refusal(400, "bad percent-encoding in the request target");
            }
        }
        try {
            return new URI(target);
        } catch (URISyntaxException e) {
            throw new Refusal(400, "the request target is not a valid URI path and query");
        }
    }

    private Headers headers(String rawPath) throws IOException, Refusal {
        Headers headers = new Headers();
        int count = 0;
        while (true) {
            int n = line(MAX_LINE, 431, "a header line", rawPath);
            if (n == 0) {
                return headers;
            }
            if (++count > MAX_HEADERS) {
                throw new Refusal(431, "more than " + MAX_HEADERS + " headers", rawPath);
            }
            if (line[0] == ' ' || line[0] == '\t') {
                throw new Refusal(400, "a header line starts with white space (obsolete line folding is refused)", rawPath);
            }
            int colon = 0;
            while (colon < n && line[colon] != ':') {
                if (!isTokenChar(line[colon])) {
                    throw new Refusal(400, "bad header name", rawPath);
                }
                colon++;
            }
            if (colon == 0 || colon == n) {
                throw new Refusal(400, "bad header line; send Name: value", rawPath);
            }
            int from = colon + 1;
            int to = n;
            while (from < to && (line[from] == ' ' || line[from] == '\t')) {
                from++;
            }
            while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
                to--;
            }
            headers.add(new String(line, 0, colon, StandardCharsets.ISO_8859_1),
                    new String(line, from, to - from, StandardCharsets.ISO_8859_1));
        }
    }

    private static RequestHead head(String method, URI uri, String version, boolean http11, Headers headers)
            throws Refusal {
        String path = uri.getRawPath();
        List<String> hosts = headers.get("Host");
        if (hosts == null ? http11 : hosts.size() != 1) {
            throw new Refusal(400, "an HTTP/1.1 request needs exactly one Host header", path);
        }
        long length = contentLength(headers.get("Content-Length"), path);
        List<String> te = headers.get("Transfer-Encoding");
        boolean chunked = false;
        if (te != null) {
            if (!http11 || te.size() != 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                throw new Refusal(400, "unsupported Transfer-Encoding; send Content-Length or Transfer-Encoding: chunked",
                        path);
            }
            if (length >= 0) {
                throw new Refusal(400, "both Transfer-Encoding and Content-Length: refused", path);
            }
            chunked = true;
        }
        String expect = headers.getFirst("Expect");
        if (expect != null && (!http11 || !expect.equalsIgnoreCase("100-continue") || headers.get("Expect").size() > 1)) {
            throw new Refusal(417, "only Expect: 100-continue is supported", path);
        }
        boolean keepAlive = http11 ? !hasToken(headers.get("Connection"), "close")
                : hasToken(headers.get("Connection"), "keep-alive");
        return new RequestHead(method, uri, version, headers, length, chunked, expect != null, keepAlive);
    }

    /** The declared length, -1 if none; every value (repeated headers, comma lists) must be the same digits. */
    private static long contentLength(List<String> values, String path) throws Refusal {
        if (values == null) {
            return -1;
        }
        long length = -1;
        for (String value : values) {
            for (String v : value.split(",", -1)) {
                String d = v.trim();
                if (d.isEmpty() || d.length() > 18 || !d.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new Refusal(400, "bad Content-Length; send the body's length in decimal digits", path);
                }
                long l = Long.parseLong(d);
                if (length >= 0 && l != length) {
                    throw new Refusal(400, "Content-Length headers disagree", path);
                }
                length = l;
            }
        }
        return length;
    }

    private static boolean hasToken(List<String> values, String token) {
        if (values != null) {
            for (String value : values) {
                for (String t : value.split(",")) {
                    if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private int line(int max, int tooLong, String what) throws IOException, Refusal {
        return line(max, tooLong, what, null);
    }

    /**
     * Reads one line, without its CRLF, into {@link #line}; its length. Bare LF, a CR without LF
     * and control characters other than tab are refused.
     */
    private int line(int max, int tooLong, String what, String rawPath) throws IOException, Refusal {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the client closed the connection in the middle of the request head");
            }
            if (++headBytes > MAX_HEAD) {
                throw new Refusal(431, "the request head is larger than " + MAX_HEAD + " bytes", rawPath);
            }
            if (b == '\r') {
                int next = in.read();
                if (next == '\n') {
                    return n;
                }
                if (next < 0) {
                    throw new EOFException("the client closed the connection in the middle of the request head");
                }
                throw new Refusal(400, "a CR without LF in the request head", rawPath);
            }
            if (b == '\n') {
                throw new Refusal(400, "a line of the request head ends in a bare LF; HTTP needs CRLF", rawPath);
            }
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new Refusal(400, "a control character in the request head", rawPath);
            }
            if (n == max) {
                throw new Refusal(tooLong, what + " is longer than " + max + " bytes", rawPath);
            }
            line[n++] = (byte) b;
        }
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 0 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
