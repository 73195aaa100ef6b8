package keyward.store.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    private boolean broken;
    private long idleSinceNanos;

    private RedisConnection(Socket socket, String where) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.where = where;
    }

    /** Connects, completes TLS (with host name verification) and AUTH/SELECT, all within {@code timeoutMs} each. */
    static RedisConnection connect(RedisUrl url, int timeoutMs, SSLSocketFactory tls) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(url.host(), url.port()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            if (url.tls()) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(socket, url.host(), url.port(), true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                socket = ssl;
            }
        } catch (IOException e) {
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + url.host() + ":" + url.port() + " is unreachable: " + e.getMessage(), e);
        }
        RedisConnection c;
        try {
            c = new RedisConnection(socket, url.host() + ":" + url.port());
        } catch (IOException e) {
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + url.host() + ":" + url.port() + " is unreachable", e);
        }
        try {
            c.handshake(url);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
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
        try {
            for (List<byte[]> c : commands) {
                Resp.writeCommand(out, c);
            }
            out.flush();
            List<Object> replies = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                replies.add(Resp.read(in));
            }
            return replies;
        } catch (IOException e) {
            broken = true;
            closeQuietly(socket);
            throw new StoreUnavailableException("Redis at " + where + " failed: " + e.getMessage(), e);
        }
    }

    boolean broken() {
        return broken || socket.isClosed();
    }

    /** Idle from {@code nowNanos}, a monotonic time of the pool's clock. */
    void markIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    /** How long it has been idle at {@code nowNanos}, on the clock {@link #markIdle} was given. */
    long idleMillis(long nowNanos) {
        return (nowNanos - idleSinceNanos) / 1_000_000;
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
