package keyward.repl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** One consumer connection to a supplier: TLS 1.3 to the pinned certificate, then request/answer frames. Not thread-safe. */
final class Link implements AutoCloseable {

    /** The longest one request/answer may take, however slowly the supplier sends. */
    static final long CALL_DEADLINE_MS = 120_000;

    private final SSLSocket socket;
    private boolean answered;

    private Link(SSLSocket socket) {
        this.socket = socket;
    }

    static Link open(Target t, SSLContext tls, int timeoutMs) throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(t.host(), t.port()), timeoutMs);
            raw.setSoTimeout(timeoutMs);
            raw.setTcpNoDelay(true); // a request is one small frame: Nagle would hold it for the ACK of the last answer
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, t.host(), t.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {PinnedTls.PROTOCOL});
            p.setServerNames(List.of(PinnedTls.sniFor(t.pin())));
            p.setEndpointIdentificationAlgorithm(null); // pinned certificates, not host names
            s.setSSLParameters(p);
            java.util.concurrent.ScheduledFuture<?> deadline = Watchdog.closeAfter(raw, CALL_DEADLINE_MS);
            try {
                s.startHandshake();
            } catch (IOException e) {
                throw new IOException("TLS handshake with " + t.url() + " failed (is its certificate the one pinned here,"
                        + " and this node's pinned there?): " + e.getMessage(), e);
            } finally {
                deadline.cancel(false);
            }
            return new Link(s);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** One request and its answer; each is bounded by {@link #CALL_DEADLINE_MS}. */
    Map<String, Object> call(Map<String, Object> request) throws IOException {
        send(request);
        return receive();
    }

    /**
     * Sends a request without waiting for its answer ({@link #receive} reads it): a consumer asks
     * for its next batch before it applies the one it holds, so that the supplier reads and sends
     * one while the other is written. Answers come in the order of the requests.
     */
    void send(Map<String, Object> request) throws IOException {
        java.util.concurrent.ScheduledFuture<?> deadline = Watchdog.closeAfter(socket, CALL_DEADLINE_MS);
        try {
            Frames.write(socket.getOutputStream(), request);
        } catch (IOException e) {
            throw answered ? e : new IOException("TLS: the supplier dropped the connection at once (is this node's"
                    + " certificate pinned there?): " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** The answer to the oldest request not yet answered. */
    Map<String, Object> receive() throws IOException {
        Map<String, Object> answer;
        java.util.concurrent.ScheduledFuture<?> deadline = Watchdog.closeAfter(socket, CALL_DEADLINE_MS);
        try {
            answer = Frames.read(socket.getInputStream());
        } catch (IOException e) {
            if (answered) {
                throw e;
            }
            // TLS 1.3: a supplier that refuses this node's certificate says so only after the handshake
            throw new IOException("TLS: the supplier dropped the connection at once (is this node's certificate pinned"
                    + " there?): " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
        if (answer == null) {
            throw new IOException(answered ? "supplier closed the connection"
                    : "TLS: the supplier closed the connection at once (is this node's certificate pinned there?)");
        }
        answered = true;
        return answer;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
