package keyward.http.wire;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A path prefix of a {@link WireServer} and its handler and filters (an Authenticator is refused). */
final class WireContext extends HttpContext {
    private final String path;
    private final HttpServer server;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private volatile HttpHandler handler;

    WireContext(String path, HttpServer server, HttpHandler handler) {
        this.path = path;
        this.server = server;
        this.handler = handler;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    @Override
    public void setHandler(HttpHandler h) {
        this.handler = h;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    /** Refused: authentication is the handlers' work here, and one silently not applied would be a hole. */
    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
        if (auth != null) {
            throw new UnsupportedOperationException("this server applies no Authenticator; authenticate in the handler");
        }
        return null;
    }

    @Override
    public Authenticator getAuthenticator() {
        return null;
    }
}
