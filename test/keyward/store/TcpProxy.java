package keyward.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 for outage tests: clients connect to {@link #port()}, bytes go to the
 * target and back. {@link #cut()} closes every connection and refuses new ones (a crashed server or
 * a reset network), {@link #stall()} keeps connections open but moves no byte (a black hole, which
 * only timeouts get out of), {@link #restore()} forwards again. Thread-safe; threads are daemons
 * and end with {@link #close()}.
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, CUT, STALL }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes all connections; new ones are accepted and closed at once, until {@link #restore()}. */
    public void cut() {
        setMode(Mode.CUT);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    /** Stops moving bytes on all connections, old and new, until {@link #restore()}. */
    public void stall() {
        setMode(Mode.STALL);
    }

    public void restore() {
        setMode(Mode.FORWARD);
    }

    private void setMode(Mode m) {
        synchronized (lock) {
            mode = m;
            lock.notifyAll();
        }
    }

    private Mode mode() {
        synchronized (lock) {
            return mode;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (mode() == Mode.CUT) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 2000);
                } catch (IOException e) {
                    closeQuietly(client);  // target down: the client sees a closed connection at once
                    closeQuietly(upstream);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                // a failed connection is the client's problem; the proxy goes on until closed
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitForwarding();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection ended; the other direction notices by the close below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-" + direction + "-" + port());
        t.setDaemon(true);
        t.start();
    }

    private void awaitForwarding() throws InterruptedException, IOException {
        synchronized (lock) {
            while (mode == Mode.STALL && !closed) {
                lock.wait(100);
            }
            if (mode == Mode.CUT || closed) {
                throw new IOException("cut");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        setMode(Mode.CUT);
        closeQuietly(server);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
