package keyward.store.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * One socket to Redis, authenticated and on the selected database. Not thread-safe: the pool
 * lends it to one caller at a time. Any I/O or protocol failure marks it broken (the reply stream
 * can no longer be trusted to line up with requests) and raises {@link StoreUnavailableException}.
 */
final class RedisConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String where;
    private final int timeoutMs;
    private boolean broken;
    private boolean demoted;
    private boolean wrote;
    private long deadline;
    private long idleSinceNanos = System.nanoTime();

    /** TLS 1.2 and later only, whatever the JVM's settings allow. */
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Commands that never write: after any other, {@link #wrote()} is true (for WAIT). */
    private static final java.util.Set<String> READS = java.util.Set.of("GET", "MGET", "LRANGE", "LLEN", "LINDEX", "SCAN",
            "TYPE", "HGETALL", "SMEMBERS", "ZRANGE", "PING", "ROLE", "SCRIPT", "WAIT", "AUTH", "SELECT", "SENTINEL", "INFO",
            "BLPOP", "EXISTS", "STRLEN");

    private RedisConnection(Socket socket, String where, int timeoutMs) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.where = where;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Connects, completes TLS (with host name verification) and AUTH/SELECT, all before
     * {@code deadline} (a {@link System#nanoTime()} value): each step waits at most what is left.
     * The connection then reads with {@code timeoutMs}.
     *
     * @throws StoreUnavailableException if Redis is unreachable or the deadline passes
     */
    static RedisConnection connect(RedisUrl url, long deadline, int timeoutMs, SSLSocketFactory tls) {
        String where = url.host() + ":" + url.port();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(url.host(), url.port()), millisLeft(deadline, where));
            socket.setSoTimeout(millisLeft(deadline, where));
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            if (url.tls()) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(socket, url.host(), url.port(), true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                p.setProtocols(TLS_PROTOCOLS);
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                socket = ssl;
            }
        } catch (javax.net.ssl.SSLException e) {
            closeQuietly(socket);
            throw new StoreUnavailableException(tlsFailure(where, url.host(), e), e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " is unreachable: " + e.getMessage(), e);
        } catch (StoreUnavailableException e) {
            closeQuietly(socket);
            throw e;
        }
        RedisConnection c;
        try {
            c = new RedisConnection(socket, where, timeoutMs);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " is unreachable", e);
        }
        try {
            c.readTimeout(millisLeft(deadline, where));
            c.handshake(url);
            c.readTimeout(timeoutMs);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** What went wrong in a TLS handshake, in an operator's words (JSSE's name Java classes). */
    static String tlsFailure(String where, String host, javax.net.ssl.SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "Redis at " + where + ": its TLS certificate does not name '" + host
                        + "'; connect by a name or address the certificate holds";
            }
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return "Redis at " + where + ": its TLS certificate is not trusted; set redis_tls_ca_file to the"
                        + " certificate of the CA that signed it";
            }
        }
        return "Redis at " + where + ": the TLS handshake failed (Keyward speaks TLS 1.2 and 1.3; is this a TLS port?)";
    }

    /**
     * Milliseconds (at least 1) until {@code deadline}, a {@link System#nanoTime()} value.
     *
     * @throws StoreUnavailableException if it has passed
     */
    static int millisLeft(long deadline, String where) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new StoreUnavailableException("Redis at " + where + " did not answer within db_timeout_ms"
                    + " (the request's time for the database is spent)", null);
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /**
     * From now on every call must be answered before {@code deadline} (a {@link System#nanoTime()}
     * value; 0: each read waits the connection's timeout): a call after it, or whose reply does not
     * come in time, raises {@link StoreUnavailableException}.
     */
    void until(long deadline) {
        this.deadline = deadline;
    }

    long deadline() {
        return deadline;
    }

    /** True once a command that may write was sent since {@link #clearWrote()}. */
    boolean wrote() {
        return wrote;
    }

    void clearWrote() {
        wrote = false;
    }

    /** True once Redis refused a write because it is a replica now (READONLY): the pool's other connections go the same way. */
    boolean demoted() {
        return demoted;
    }

    private void readTimeout(int ms) {
        try {
            socket.setSoTimeout(ms);
        } catch (IOException e) {
            broken = true;
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " failed: " + e.getMessage(), e);
        }
    }

    String where() {
        return where;
    }

    private void handshake(RedisUrl url) {
        List<List<byte[]>> cmds = new ArrayList<>();
        if (url.password() != null) {
            cmds.add(url.user() == null ? args("AUTH", url.password()) : args("AUTH", url.user(), url.password()));
        }
        if (url.db() != 0) {
            cmds.add(args("SELECT", Integer.toString(url.db())));
        }
        if (cmds.isEmpty()) {
            return;
        }
        List<Object> replies = pipeline(cmds);
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) instanceof Resp.Error e) {
                boolean auth = url.password() != null && i == 0;
                // the server's text is safe to show: Redis never echoes the password
                throw new StoreException(auth ? "Redis refused AUTH" + (url.user() == null ? "" : " for user '" + url.user() + "'")
                        + ": " + e.message() : "Redis refused SELECT " + url.db() + ": " + e.message());
            }
        }
    }

    static List<byte[]> args(String... words) {
        List<byte[]> a = new ArrayList<>(words.length);
        for (String w : words) {
            a.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return a;
    }

    /** SET key value NX. */
    static List<byte[]> setNx(String key, byte[] value) {
        List<byte[]> c = args("SET", key);
        c.add(value);
        c.add("NX".getBytes(StandardCharsets.US_ASCII));
        return c;
    }

    /** One command, one reply (an error reply is returned, not thrown). */
    Object call(List<byte[]> command) {
        return pipeline(List.of(command)).get(0);
    }

    /** Sends every command, then reads one reply per command, in order. */
    List<Object> pipeline(List<List<byte[]>> commands) {
        if (broken) {
            throw new StoreUnavailableException("Redis connection to " + where + " is broken", null);
        }
        if (deadline != 0) {
            readTimeout(millisLeft(deadline, where));
        }
        try {
            for (List<byte[]> c : commands) {
                Resp.writeCommand(out, c);
                if (!wrote && !READS.contains(new String(c.get(0), StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT))) {
                    wrote = true;
                }
            }
            out.flush();
            List<Object> replies = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                replies.add(Resp.read(in));
            }
            for (Object r : replies) {
                if (r instanceof Resp.Error e && notPrimary(e)) {
                    demoted = true;
                    broken = true;
                    closeQuietly(socket);
                    throw new StoreUnavailableException("Redis at " + where + " cannot take this now (" + e.message()
                            + "); the next connection asks again for the primary", null);
                }
            }
            return replies;
        } catch (SocketTimeoutException e) {
            broken = true;
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " did not answer within the timeout", e);
        } catch (IOException e) {
            broken = true;
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A reply that says this server cannot serve us now, where another (or this one, later) will:
     * a replica (READONLY, also inside a script's error), a replica without its primary
     * (MASTERDOWN), a server still loading its data (LOADING), a primary short of the replicas its
     * {@code min-replicas-to-write} asks for (NOREPLICAS).
     */
    static boolean notPrimary(Resp.Error e) {
        String m = e.message();
        return e.hasCode("READONLY") || e.hasCode("MASTERDOWN") || e.hasCode("LOADING") || e.hasCode("NOREPLICAS")
                || m.contains("READONLY You can't write") || m.contains("-NOREPLICAS ");
    }

    boolean broken() {
        return broken || socket.isClosed();
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    long idleMillis() {
        return (System.nanoTime() - idleSinceNanos) / 1_000_000;
    }

    @Override
    public void close() {
        broken = true;
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a socket we give up on: nothing useful to do
        }
    }
}
