package keyward.http.wire;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import keyward.log.Log;

/**
 * Keyward's HTTP/1.1 engine behind the {@code com.sun.net.httpserver} API: handlers, exchanges,
 * headers and contexts are the JDK's types, the reading and writing of connections is ours. It
 * serves HTTPS once {@link #setHttpsConfigurator} is given a configurator (TLS 1.2/1.3 as the
 * configurator's parameters say; exchanges are then {@code HttpsExchange}s), else plain HTTP.
 *
 * <p>How: one acceptor thread; each connection is served by its own thread, from a pool bounded by
 * {@link WireOptions#maxConnections()}, with blocking sockets. A slow client thus holds only its
 * own thread. Handlers run on that thread (an {@link Executor} is refused). Request heads are
 * parsed strictly ({@link HeadParser}); what is refused is answered with a 4xx and the JSON body
 * of {@link #setErrorBody}, and the connection is closed. One reaper thread closes connections
 * whose phase outlived its deadline (see {@link Connection}). Connections over the total or
 * per-address cap are answered 503 (plain HTTP) or closed (TLS).
 *
 * <p>Thread-safety: configure (contexts, configurator, error body) before {@link #start}; then
 * the server is used by its own threads, and {@link #stop} may be called from any thread.
 */
public final class WireServer extends HttpsServer {
    /** Renders the JSON body of an answer the engine gives itself (a refused head, a connection over the cap). */
    public interface ErrorBody {
        /**
         * @param rawPath the request's raw path if its line was read, else null
         * @param status  the 4xx or 503 status of the answer
         * @param message what was wrong, safe to show (no input is echoed)
         */
        byte[] render(String rawPath, int status, String message);
    }

    private final WireOptions options;
    private final CopyOnWriteArrayList<WireContext> contexts = new CopyOnWriteArrayList<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong lastCapWarning = new AtomicLong(System.nanoTime() - 60_000_000_000L);
    private volatile ErrorBody errorBody = (path, status, message) ->
            ("{\"error\":{\"code\":\"invalid_request\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"}}").getBytes(StandardCharsets.UTF_8);
    private volatile TlsPolicy tls;
    private HttpsConfigurator configurator;
    private ServerSocket listener;
    private Thread acceptor;
    private ThreadPoolExecutor threads;
    private ScheduledExecutorService reaper;
    private volatile boolean stopping;

    public WireServer(WireOptions options) {
        this.options = options;
    }

    /** Sets how the engine's own answers read (our API's and Vault's error shapes). */
    public void setErrorBody(ErrorBody body) {
        this.errorBody = body;
    }

    @Override
    public void bind(InetSocketAddress addr, int backlog) throws IOException {
        if (listener != null) {
            throw new IllegalStateException("already bound");
        }
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(addr, backlog > 0 ? backlog : 1024);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        listener = s;
    }

    @Override
    public void start() {
        if (listener == null || acceptor != null) {
            throw new IllegalStateException(listener == null ? "not bound" : "already started");
        }
        AtomicInteger n = new AtomicInteger();
        threads = new ThreadPoolExecutor(Math.min(options.idleThreads(), options.maxConnections()),
                options.maxConnections(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "keyward-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyward-http-deadlines");
            t.setDaemon(true);
            return t;
        });
        long shortest = Math.min(options.headerTimeoutMs(), Math.min(options.requestTimeoutMs(), options.keepAliveMs()));
        long period = Math.max(10, Math.min(250, shortest / 10)); // a phase ends at most this late
        reaper.scheduleAtFixedRate(this::reap, period, period, TimeUnit.MILLISECONDS);
        acceptor = new Thread(this::acceptLoop, "keyward-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                Log.warn("HTTP: accepting a connection failed: " + e.getMessage());
                try {
                    Thread.sleep(10); // out of file descriptors, say: do not spin
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            admit(s);
        }
    }

    private void admit(Socket s) {
        long now = System.nanoTime();
        InetAddress client = s.getInetAddress();
        if (openCount.incrementAndGet() > options.maxConnections()) {
            openCount.decrementAndGet();
            refuse(s, "connections (max_connections = " + options.maxConnections() + ")");
            return;
        }
        boolean[] admitted = {false};
        perClient.compute(client, (k, v) -> {
            int count = v == null ? 0 : v;
            admitted[0] = count < options.maxPerClient();
            return admitted[0] ? count + 1 : v;
        });
        if (!admitted[0]) {
            openCount.decrementAndGet();
            refuse(s, "connections from one address (max_connections_per_client = " + options.maxPerClient() + ")");
            return;
        }
        Connection c = new Connection(this, s, now);
        open.add(c);
        try {
            s.setTcpNoDelay(true);
            threads.execute(c);
        } catch (IOException | RejectedExecutionException e) {
            closed(c);
            refuse(s, "connections (max_connections = " + options.maxConnections() + ")");
        }
    }

    /** Over a cap: plain HTTP gets a 503 with Retry-After, TLS a close (the handshake is not worth it). */
    private void refuse(Socket s, String what) {
        long now = System.nanoTime();
        long last = lastCapWarning.get();
        if (now - last > 10_000_000_000L && lastCapWarning.compareAndSet(last, now)) {
            Log.warn("HTTP: refusing connections over the limit of " + what + "; the client is told to retry");
        }
        try (s) {
            if (tls == null) {
                OutputStream out = s.getOutputStream();
                out.write(errorAnswer(503, "too many connections; retry later", null));
                out.flush();
                s.shutdownOutput();
            }
        } catch (IOException e) {
            // the client is gone already
        }
    }

    /** Connections open now. */
    public int connections() {
        return openCount.get();
    }

    /** Forgets a connection that has ended. */
    void closed(Connection c) {
        if (open.remove(c)) {
            openCount.decrementAndGet();
            perClient.computeIfPresent(c.raw().getInetAddress(), (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    private void reap() {
        long now = System.nanoTime();
        for (Connection c : open) {
            c.reap(now);
        }
    }

    /** Runs the handler of the longest matching context, through its filters. */
    void handle(WireExchange ex, HttpExchange facade) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        WireContext ctx = null;
        for (WireContext c : contexts) {
            if (path.startsWith(c.getPath()) && (ctx == null || c.getPath().length() > ctx.getPath().length())) {
                ctx = c;
            }
        }
        if (ctx == null || ctx.getHandler() == null) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            byte[] body = errorBody.render(path, 404, "no handler for this path");
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            return;
        }
        ex.context(ctx);
        try {
            new Filter.Chain(ctx.getFilters(), ctx.getHandler()).doFilter(facade);
        } catch (IOException e) {
            facade.close(); // the connection failed
            throw e;
        } catch (RuntimeException e) {
            Log.error("HTTP: a handler failed", e);
            if (!ex.answered()) {
                ex.getResponseHeaders().set("Connection", "close");
                ex.getResponseHeaders().set("Content-Type", "application/json");
                byte[] body = errorBody.render(path, 500, "internal error");
                ex.sendResponseHeaders(500, body.length);
                ex.getResponseBody().write(body);
            }
        }
    }

    /** A whole answer (head and JSON body) that closes the connection. */
    byte[] errorAnswer(int status, String message, String rawPath) {
        byte[] body = errorBody.render(rawPath, status, message);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n" + (status == 503 ? "Retry-After: 1\r\n" : "")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head8, head8.length + body.length);
        System.arraycopy(body, 0, all, head8.length, body.length);
        return all;
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    WireOptions options() {
        return options;
    }

    TlsPolicy tls() {
        return tls;
    }

    boolean stopping() {
        return stopping;
    }

    /** Handlers run on the connection's thread; only null (that default) is accepted. */
    @Override
    public void setExecutor(Executor executor) {
        if (executor != null) {
            throw new IllegalArgumentException("handlers run on the connection's own thread; no executor is taken");
        }
    }

    @Override
    public Executor getExecutor() {
        return null;
    }

    /**
     * Stops accepting, waits up to {@code delaySeconds} for running handlers, then closes every
     * connection and stops the threads.
     */
    @Override
    public void stop(int delaySeconds) {
        stopping = true;
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            // closed is closed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, delaySeconds));
        while (open.stream().anyMatch(c -> c.busy) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection c : open) {
            c.kill();
        }
        if (threads != null) {
            threads.shutdownNow();
            reaper.shutdownNow();
            try {
                acceptor.join(1000);
                threads.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a context path starts with /");
        }
        for (WireContext c : contexts) {
            if (c.getPath().equals(path)) {
                throw new IllegalArgumentException("a context for " + path + " exists already");
            }
        }
        WireContext c = new WireContext(path, this, handler);
        contexts.add(c);
        return c;
    }

    @Override
    public HttpContext createContext(String path) {
        return createContext(path, null);
    }

    @Override
    public void removeContext(String path) {
        if (!contexts.removeIf(c -> c.getPath().equals(path))) {
            throw new IllegalArgumentException("no context for " + path);
        }
    }

    @Override
    public void removeContext(HttpContext context) {
        contexts.remove(context);
    }

    @Override
    public InetSocketAddress getAddress() {
        return listener == null ? null : (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Serve HTTPS with this configurator (before {@link #start}); null for plain HTTP. */
    @Override
    public void setHttpsConfigurator(HttpsConfigurator config) {
        this.configurator = config;
        this.tls = config == null ? null : new TlsPolicy(config);
    }

    @Override
    public HttpsConfigurator getHttpsConfigurator() {
        return configurator;
    }
}
