package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import keyward.core.AuditTrail;
import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.http.wire.BadRequestBody;
import keyward.http.wire.DeadlineExceeded;
import keyward.http.wire.WireOptions;
import keyward.http.wire.WireServer;
import keyward.json.Json;
import keyward.log.Log;
import keyward.store.StoreDeadline;

/**
 * The HTTP(S) front end on the {@code com.sun.net.httpserver} API, served by our own engine
 * ({@link WireServer}: a thread per connection, strict parsing, deadlines and connection caps):
 * one dispatcher that finds the route, bounds and checks the body, authenticates, runs the route,
 * maps every exception to the error body in one place, and records audit, metrics and a log line.
 * Reading each request and writing each answer must each end within {@code request_timeout_ms};
 * a body's JSON is bounded by limits sized to {@code max_body_bytes}.
 */
public final class HttpApi implements AutoCloseable {
    /** The status counted and logged for a request whose connection failed: nginx's "client closed request". */
    static final int CLIENT_CLOSED = 499;

    private final ApiOptions options;
    private final Core core;
    private final AuditTrail audit;
    private final Router router = new Router();
    private final Metrics metrics;
    private final Authenticator authenticator;
    private final ClientAddress clients;
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Json.Limits jsonLimits;
    private volatile boolean draining;
    private volatile VaultFront vault;
    private WireServer server;

    public HttpApi(ApiOptions options, Core core, AuditTrail audit, Metrics metrics, Supplier<String> readiness) {
        this.options = options;
        this.core = core;
        this.audit = audit;
        this.metrics = metrics;
        this.authenticator = new Authenticator(core.users(), AuthBackoff.defaults(core.clock()));
        this.clients = new ClientAddress(options.trustedProxies());
        this.jsonLimits = Json.Limits.forBody(options.maxBodyBytes());
        router.addAll(OpsRoutes.routes(core, metrics, readiness, options.version(), options.git()));
        router.addAll(KeyRoutes.routes(core));
        router.addAll(CryptoRoutes.routes(core));
        router.addAll(AccessRoutes.routes(core));
    }

    /** Adds routes owned by other packages (audit, replication). */
    public void addRoutes(List<Route> routes) {
        router.addAll(routes);
    }

    /** Serves the Vault-compatible API (docs/vault.md) beside the own routes; call before {@link #start}. */
    public void setVault(keyward.vault.VaultApi api) {
        this.vault = new VaultFront(api, authenticator, options.maxBodyBytes(), jsonLimits);
    }

    /** Listens; on failure nothing is left bound or running. */
    public void start() throws IOException {
        InetSocketAddress addr = new InetSocketAddress(options.bind(), options.port());
        server = new WireServer(new WireOptions(options.maxConnections(), options.maxConnectionsPerClient(),
                options.workerThreads(), options.headerTimeoutMs(), options.requestTimeoutMs(), options.keepAliveMs()));
        if (options.ssl() != null) {
            server.setHttpsConfigurator(new HttpsConfigurator(options.ssl()) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = options.ssl().getDefaultSSLParameters();
                    p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    p.setCipherSuites(Tls.MODERN_SUITES.stream()
                            .filter(s -> List.of(options.ssl().getSupportedSSLParameters().getCipherSuites()).contains(s))
                            .toArray(String[]::new));
                    p.setWantClientAuth(options.clientAuth());
                    params.setSSLParameters(p);
                }
            });
        }
        server.setErrorBody(this::engineError);
        try {
            server.bind(addr, 1024);
        } catch (java.net.BindException e) {
            server = null;
            throw new java.net.BindException("cannot listen on " + options.bind() + ":" + options.port() + ": "
                    + e.getMessage() + "; stop what uses that port or choose another (--port)");
        }
        try {
            server.createContext("/", this::dispatch);
            WireServer open = server;
            metrics.gauge("keyward_http_connections", "HTTP connections open.", open::connections);
            server.start();
        } catch (RuntimeException e) {
            server.stop(0);
            server = null;
            throw e;
        }
    }

    /** The body of an answer the engine gives itself (a refused request head): Vault's shape on its routes. */
    private byte[] engineError(String rawPath, int status, String message) {
        VaultFront v = vault;
        if (rawPath != null && v != null && v.wants(splitPath(rawPath))) {
            return Json.writeBytes(java.util.Map.of("errors", List.of(message)));
        }
        String code = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND.code();
            case 413 -> ErrorCode.TOO_LARGE.code();
            case 500 -> ErrorCode.INTERNAL.code();
            case 503 -> ErrorCode.UNAVAILABLE.code();
            default -> ErrorCode.INVALID_REQUEST.code();
        };
        return Json.writeBytes(Reply.error(code, message));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Metrics metrics() {
        return metrics;
    }

    private void dispatch(HttpExchange ex) {
        long t0 = System.nanoTime();
        inFlight.incrementAndGet();
        String rid = Long.toHexString(requestIds.incrementAndGet());
        String operation = "unknown";
        String user = "-";
        String keyRef = null;
        String remote = null;
        int status = 500;
        boolean audited = false;
        Call call = null;
        try {
            if (draining) {
                ex.getResponseHeaders().set("Connection", "close");
                Reply reply = errorReply(new KwException(ErrorCode.UNAVAILABLE, "the server is shutting down"), rid);
                status = reply.status();
                write(ex, reply);
                return;
            }
            remote = clients.of(ex.getRemoteAddress(), ex.getRequestHeaders().get("X-Forwarded-For"));
            String method = ex.getRequestMethod();
            String[] path = splitPath(ex.getRequestURI().getRawPath());
            Router.Match m = path == null ? null : router.find(method, path, null);
            Reply reply = null;
            VaultFront v = vault;
            if (m == null && v != null && v.wants(path)) {
                VaultFront.Result r;
                StoreDeadline.Scope scope = StoreDeadline.begin();
                try {
                    r = v.handle(ex, path, rid, remote);
                } finally {
                    scope.close();
                }
                reply = r.reply();
                operation = r.operation();
                user = r.user();
                keyRef = r.keyRef();
                audited = r.audited();
            } else if (m == null) {
                TreeSet<String> allowed = new TreeSet<>();
                if (path != null) {
                    router.find(method, path, allowed);
                }
                if (!allowed.isEmpty()) {
                    ex.getResponseHeaders().add("Allow", String.join(", ", allowed));
                    reply = errorReply(new KwException(ErrorCode.METHOD_NOT_ALLOWED,
                            "method " + method + " not allowed here; allowed: " + allowed), rid);
                } else {
                    reply = errorReply(KwException.notFound("endpoint"), rid);
                }
            } else {
                Route route = m.route();
                operation = route.operation();
                audited = route.authenticated();
                keyRef = m.params().length > 0 && route.segments().length > 2 && "keys".equals(route.segments()[1])
                        ? m.params()[0] : null;
                byte[] body = null;
                try {
                    body = readBody(ex);
                } catch (KwException e) {
                    reply = errorReply(e, rid);
                }
                if (reply == null) {
                    // from here on, all the request's database work shares one db_timeout_ms
                    StoreDeadline.Scope scope = StoreDeadline.begin();
                    try {
                        call = new Call(ex, m.params(), body, jsonLimits);
                        if (route.authenticated()) {
                            Principal p = authenticator.authenticate(ex, remote);
                            call.principal = p;
                            user = p.user();
                            keyRef = auditKey(keyRef); // before the route runs: a delete may remove the name
                        }
                        reply = route.handler().handle(call);
                    } catch (Exception | StackOverflowError e) {
                        reply = errorReply(e, rid);
                    } finally {
                        scope.close();
                    }
                }
            }
            status = reply.status();
            if (audited && (call == null || !call.auditedByRoute)) {
                String outcome = status >= 400 ? (reply.body() instanceof java.util.Map<?, ?> b
                        && b.containsKey("errors") ? "vault_" + status : errorCodeOf(reply))
                        : call != null && call.auditOutcome != null ? call.auditOutcome : "ok";
                String key = call != null && call.auditKey != null ? call.auditKey : keyRef;
                audit.record(user, operation, key, outcome, remote);
            }
            write(ex, reply);
        } catch (IOException e) {
            // the client went away (499: not our failure, not a 5xx), or a phase outlived
            // request_timeout_ms and the engine closed the connection (408)
            boolean expired = e instanceof DeadlineExceeded;
            status = expired ? 408 : CLIENT_CLOSED;
            Log.warn("request " + rid + ": " + (expired
                    ? "cut off: not read or answered within request_timeout_ms (" + options.requestTimeoutMs() + " ms)"
                    : "the client's connection failed (" + (e.getMessage() == null ? "closed" : e.getMessage()) + ")"));
        } catch (RuntimeException e) {
            status = 500;
            Log.error("request " + rid + ": unexpected failure while recording or answering", e);
            answerInternalError(ex, rid);
        } finally {
            try {
                ex.close();
            } finally {
                inFlight.decrementAndGet();
            }
        }
        long nanos = System.nanoTime() - t0;
        metrics.record(operation, status, nanos);
        if (Log.enabled(Log.Level.INFO)) {
            Log.request("request id=" + rid + " client=" + (remote == null ? "-" : remote) + " user=" + user
                    + " op=" + operation + " status=" + status
                    + " ms=" + millis(nanos));
        }
    }

    /** A plain 500 unless an answer has begun; failing that too is no news (the cause is logged). */
    private static void answerInternalError(HttpExchange ex, String rid) {
        if (ex.getResponseCode() != -1) {
            return;
        }
        try {
            write(ex, errorReply(new KwException(ErrorCode.INTERNAL, "internal error (request " + rid + ")"), rid));
        } catch (IOException | RuntimeException ignored) {
            // the connection is gone or closed: the client sees that instead
        }
    }

    /** {@code nanos} as milliseconds with two decimals ("1.25"), without the cost of a Formatter. */
    static String millis(long nanos) {
        long hundredths = (nanos + 5_000) / 10_000;
        long fraction = hundredths % 100;
        return hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction;
    }

    /**
     * The key as the audit names it: its id, whatever reference the caller typed (name, id, id in
     * upper case), so that one filter finds every entry of one key. An unknown reference, or one
     * that cannot be looked up now, stays as typed (a UUID in lower case).
     */
    private String auditKey(String ref) {
        if (ref == null) {
            return null;
        }
        try {
            return core.keys().idOf(ref).orElse(Names.isUuid(ref) ? ref.toLowerCase(java.util.Locale.ROOT) : ref);
        } catch (RuntimeException e) {
            return Names.isUuid(ref) ? ref.toLowerCase(java.util.Locale.ROOT) : ref;
        }
    }

    static String errorCodeOf(Reply reply) {
        if (reply.body() instanceof java.util.Map<?, ?> m && m.get("error") instanceof java.util.Map<?, ?> e) {
            return String.valueOf(e.get("code"));
        }
        return "error";
    }

    static Reply errorReply(Throwable t, String rid) {
        Errors.Mapped e = Errors.map(t, rid);
        return new Reply(e.code().status(), Reply.error(e.code().code(), e.message()), null);
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        byte[] body = readLimitedBody(ex, options.maxBodyBytes());
        if (body.length > 0) {
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            if (ct == null || !ct.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
                throw new KwException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json");
            }
        }
        return body;
    }

    /**
     * The request body, at most {@code max} bytes (our API and the Vault routes): a bad
     * Content-Length or a body that breaks the chunked framing is 400, a declared or actual body
     * over {@code max} 413 (and the connection is closed, since the rest of the body is not read).
     */
    static byte[] readLimitedBody(HttpExchange ex, int max) throws IOException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (cl != null) {
            try {
                declared = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw KwException.invalid("bad Content-Length header");
            }
        }
        byte[] body;
        try {
            body = declared > max ? null : readBounded(ex.getRequestBody(), max, declared);
        } catch (BadRequestBody e) {
            throw KwException.invalid(e.getMessage());
        }
        if (body == null) {
            ex.getResponseHeaders().set("Connection", "close");
            throw new KwException(ErrorCode.TOO_LARGE, "request body is larger than the limit of " + max + " bytes");
        }
        return body;
    }

    /**
     * Reads at most {@code max} bytes; null if there were more. The buffer starts at the declared
     * length ({@code expected}, -1 if none): a body that keeps to it is read into exactly one array.
     */
    static byte[] readBounded(InputStream in, int max, long expected) throws IOException {
        byte[] buf = new byte[expected >= 0 ? (int) Math.min(expected, max) : Math.min(max, 8192)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                int next = in.read(); // the end, or a body longer than the buffer
                if (next < 0) {
                    return buf;
                }
                if (buf.length >= max) {
                    return null;
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(max, buf.length * 2L + 1));
                buf[n++] = (byte) next;
                continue;
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return java.util.Arrays.copyOf(buf, n);
            }
            n += r;
        }
    }

    private static void write(HttpExchange ex, Reply reply) throws IOException {
        if (reply.status() == 204) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        byte[] bytes;
        if (reply.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            bytes = ((String) reply.body()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            bytes = Json.writeBytes(reply.body());
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if ((reply.status() == 503 || reply.status() == 429) && !ex.getResponseHeaders().containsKey("Retry-After")) {
            ex.getResponseHeaders().set("Retry-After", "1");
        }
        if (reply.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        ex.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String[] splitPath(String raw) {
        if (raw == null || !raw.startsWith("/") || raw.length() > 2048) {
            return null;
        }
        String[] parts = raw.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Call.decode(parts[i], false);
        }
        return parts;
    }

    /**
     * Stops accepting, lets in-flight requests finish for at most {@code graceMillis}, then closes
     * every connection.
     */
    public void stop(long graceMillis) {
        if (server == null) {
            return;
        }
        // refuse new requests with 503, wait for in-flight ones, then close at once
        draining = true;
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
    }

    @Override
    public void close() {
        stop(5000);
    }
}
