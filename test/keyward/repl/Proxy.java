package keyward.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of one replication listener, to cut links: while cut, every
 * connection is closed at once and new ones are refused by closing them; a connection whose target
 * is not listening is closed at once too (so a consumer fails fast, never waits out its timeout).
 * It counts the connections it accepts: a consumer opens one per poll, so a test can wait for a
 * number of polls instead of a time. Thread-safe; daemon threads end with {@link #close()}.
 */
final class Proxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean cut;
    private volatile boolean closed;

    Proxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "repl-test-proxy-" + port());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far, cut ones included. */
    int accepted() {
        return accepted.get();
    }

    void cut() {
        cut = true;
        sockets.forEach(Proxy::closeQuietly);
    }

    void restore() {
        cut = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue;
            }
            sockets.add(client);
            accepted.incrementAndGet();
            if (cut) {
                drop(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 1000);
            } catch (IOException e) {
                drop(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(upstream);
            if (cut) { // cut while connecting
                drop(client);
                drop(upstream);
                continue;
            }
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while (!cut && (n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // ended
            } finally {
                drop(from);
                drop(to);
            }
        }, "repl-test-pump-" + port());
        t.setDaemon(true);
        t.start();
    }

    private void drop(Socket s) {
        closeQuietly(s);
        sockets.remove(s);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        closeQuietly(server);
    }
}
