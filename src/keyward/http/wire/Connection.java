package keyward.http.wire;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, served by one thread from accept to close: the TLS handshake, then
 * requests one after another (keep-alive). Every wait has a deadline, which the server's reaper
 * enforces by closing the socket: the handshake and the head must arrive within the header
 * timeout, the body and the answer each within the request timeout, the next request within the
 * keep-alive timeout. The handler's own work between reading and answering has none.
 */
final class Connection implements Runnable {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What is read and dropped of a body the handler left, before the next request on the connection. */
    private static final int DRAIN_BYTES = 65536;

    private final WireServer server;
    private final Socket raw;
    private final long acceptedNanos;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final StringBuilder scratch = new StringBuilder(256);
    private Socket socket;
    private SSLSession session;
    private SocketInput in;
    private OutputStream out;
    private WireExchange exchange;
    /** System.nanoTime() by which the current phase must end, or 0 for none; read by the reaper. */
    private volatile long deadline;
    private volatile boolean expired;
    /** Whether a handler is running; read by {@link WireServer#stop}. */
    volatile boolean busy;
    /** Whether the connection may serve another request after the current one. */
    boolean keepAlive;

    Connection(WireServer server, Socket raw, long acceptedNanos) {
        this.server = server;
        this.raw = raw;
        this.acceptedNanos = acceptedNanos;
        this.remote = (InetSocketAddress) raw.getRemoteSocketAddress();
        this.local = (InetSocketAddress) raw.getLocalSocketAddress();
    }

    Socket raw() {
        return raw;
    }

    @Override
    public void run() {
        boolean gently = false;
        try {
            gently = serve();
        } catch (IOException | RuntimeException e) {
            // the client went away, sent a broken head or was cut off: nothing is owed to it
        } finally {
            if (gently) {
                closeGently();
            }
            kill();
            server.closed(this);
        }
    }

    /** Serves requests until one side ends the connection; true when it is to be closed gently. */
    private boolean serve() throws IOException {
        WireOptions o = server.options();
        long headNanos = Math.min(o.headerTimeoutMs(), o.requestTimeoutMs()) * 1_000_000L;
        deadline = acceptedNanos + headNanos;
        socket = raw;
        if (server.tls() != null) {
            SSLSocket ssl = server.tls().wrap(raw);
            ssl.startHandshake();
            session = ssl.getSession();
            socket = ssl;
        }
        in = new SocketInput(socket.getInputStream(), this);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        HeadParser parser = new HeadParser(in);
        for (boolean first = true; !server.stopping(); first = false) {
            if (!first) {
                deadline = System.nanoTime() + o.keepAliveMs() * 1_000_000L;
                if (!in.await()) {
                    return false;
                }
                deadline = System.nanoTime() + headNanos;
            }
            RequestHead head;
            try {
                head = parser.read();
            } catch (Refusal r) {
                keepAlive = false;
                writeError(r.status, r.getMessage(), r.rawPath);
                return true;
            } catch (EOFException e) {
                return false;
            }
            if (head == null) {
                return false;
            }
            keepAlive = head.keepAlive();
            deadline = head.hasBody() ? System.nanoTime() + o.requestTimeoutMs() * 1_000_000L : 0;
            exchange = new WireExchange(this, head, new RequestBody(in, this, head));
            busy = true;
            try {
                server.handle(exchange, session == null ? exchange : new WireHttpsExchange(exchange, session));
            } finally {
                busy = false;
            }
            if (!finish(exchange)) {
                return true;
            }
            deadline = 0;
        }
        return false;
    }

    /** Ends an exchange the handler may have left open; whether the connection can take another request. */
    private boolean finish(WireExchange ex) throws IOException {
        if (!ex.answered()) {
            return false; // the handler sent nothing: closing is the only answer left
        }
        ex.close();
        if (!keepAlive) {
            return false;
        }
        if (!ex.bodyComplete()) {
            deadline = System.nanoTime() + server.options().requestTimeoutMs() * 1_000_000L;
            try {
                return ex.body().drain(DRAIN_BYTES);
            } catch (BadRequestBody e) {
                return false;
            }
        }
        return true;
    }

    /** Answers {@code status} with the error body for {@code rawPath}, then the connection is to be closed. */
    void writeError(int status, String message, String rawPath) throws IOException {
        deadline = System.nanoTime() + server.options().requestTimeoutMs() * 1_000_000L;
        try {
            out.write(server.errorAnswer(status, message, rawPath));
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * Closes after an answer so that the client reads it: the write side first, then what the
     * client still sends is read and dropped for a moment (a close with unread input would reset
     * the connection, and the answer could be lost with it).
     */
    private void closeGently() {
        deadline = System.nanoTime() + 1_000_000_000L;
        try {
            out.flush();
            if (session == null) {
                raw.shutdownOutput();
                byte[] skip = new byte[4096];
                for (int total = 0; total < (1 << 20); ) {
                    int n = in.read(skip, 0, skip.length);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client is gone already
        }
    }

    /** Closes the connection at once; safe from any thread. */
    void kill() {
        try {
            raw.close();
        } catch (IOException e) {
            // closed is closed
        }
    }

    /** Called by the reaper: cuts the connection off when its phase outlived its deadline. */
    void reap(long now) {
        long d = deadline;
        if (d != 0 && now - d >= 0) {
            expired = true;
            kill();
        }
    }

    boolean expired() {
        return expired;
    }

    /** {@code e} as the caller should see it: {@link DeadlineExceeded} when the reaper caused it. */
    IOException failed(IOException e) {
        keepAlive = false;
        return expired ? new DeadlineExceeded("the answer was not taken within the request timeout") : e;
    }

    /** The answer begins: it must be written within the request timeout. */
    void answering() {
        deadline = System.nanoTime() + server.options().requestTimeoutMs() * 1_000_000L;
    }

    /** The request body was read to its end: the handler's own work has no deadline. */
    void bodyRead() {
        if (!exchange.answered()) {
            deadline = 0;
        }
    }

    /** Answers {@code Expect: 100-continue} when the handler starts reading the body before answering. */
    void sendContinue() throws IOException {
        if (exchange.expectsContinue()) {
            try {
                out.write(CONTINUE);
                out.flush();
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }

    OutputStream output() {
        return out;
    }

    /** A builder for the answer's head, reused by each exchange. */
    StringBuilder scratch() {
        scratch.setLength(0);
        return scratch;
    }

    InetSocketAddress remote() {
        return remote;
    }

    InetSocketAddress local() {
        return local;
    }
}
