package keyward.http.wire;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import javax.net.ssl.SSLSession;

/** A {@link WireExchange} on a TLS connection, which also answers with the connection's TLS session. */
final class WireHttpsExchange extends HttpsExchange {
    private final WireExchange ex;
    private final SSLSession session;

    WireHttpsExchange(WireExchange ex, SSLSession session) {
        this.ex = ex;
        this.session = session;
    }

    @Override
    public SSLSession getSSLSession() {
        return session;
    }

    @Override
    public Headers getRequestHeaders() {
        return ex.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return ex.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return ex.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return ex.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return ex.getHttpContext();
    }

    @Override
    public void close() {
        ex.close();
    }

    @Override
    public InputStream getRequestBody() {
        return ex.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
        return ex.getResponseBody();
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        ex.sendResponseHeaders(code, length);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return ex.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return ex.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return ex.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return ex.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return ex.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        ex.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        ex.setStreams(i, o);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return ex.getPrincipal();
    }
}
