package keyward.kmip;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import keyward.core.KwException;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.core.UserService;
import keyward.log.Log;
import keyward.store.StoreDeadline;

/**
 * Binary KMIP (TTLV) over mutual TLS: TLS 1.2 and 1.3 only, a client certificate from the
 * clients CA required, the user named by its CN as the caller (a CN that names no user gets
 * Authentication Not Successful on every item). Many request messages per connection, one
 * thread per connection from a bounded pool (a connection past the bound is closed at once).
 *
 * <p>Every wait is bounded: a connection may stay silent between messages for
 * {@link Options#idleTimeoutMs}; once a message has begun, all of it must arrive within
 * {@link Options#readTimeoutMs}, and its answer must be written within the same time, or the
 * connection is closed. A message longer than {@link Options#maxMessageBytes} is answered with
 * Invalid Message and the connection closed, before anything of that size is allocated.
 * Thread-safe; {@link #close} stops accepting and closes every connection.
 */
public final class KmipListener implements AutoCloseable {
    /**
     * @param bind            address to listen on
     * @param port            0 picks a free port ({@link #port()} tells which)
     * @param suites          TLS cipher suites allowed, in preference order (unsupported ones are skipped)
     * @param commonName      the one CN of a client certificate, or null when it has none or several
     */
    public record Options(String bind, int port, int maxMessageBytes, int readTimeoutMs, int idleTimeoutMs,
                          int maxConnections, SSLContext ssl, List<String> suites,
                          Function<X509Certificate, String> commonName) {
    }

    private final Options options;
    private final Kmip kmip;
    private final UserService users;
    private final TtlvCodec.Limits limits;
    private final SSLServerSocket server;
    private final ThreadPoolExecutor connections;
    private final ScheduledThreadPoolExecutor writeGuard;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private KmipListener(Options options, Kmip kmip, UserService users, SSLServerSocket server) {
        this.options = options;
        this.kmip = kmip;
        this.users = users;
        this.server = server;
        this.limits = TtlvCodec.Limits.forBytes(options.maxMessageBytes());
        AtomicInteger n = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, options.maxConnections(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "keyward-kmip-" + n.incrementAndGet()));
        this.writeGuard = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "keyward-kmip-write-guard"));
        this.writeGuard.setRemoveOnCancelPolicy(true);
        this.acceptor = daemon(this::accept, "keyward-kmip-accept");
    }

    /** Listens and accepts; on failure nothing is left bound. */
    public static KmipListener start(Options options, Kmip kmip, UserService users) throws IOException {
        SSLServerSocket s = (SSLServerSocket) options.ssl().getServerSocketFactory().createServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), 128);
        } catch (IOException e) {
            s.close();
            throw new java.net.BindException("cannot listen for KMIP on " + options.bind() + ":" + options.port()
                    + ": " + e.getMessage() + "; stop what uses that port or choose another (--kmip-port)");
        }
        s.setNeedClientAuth(true);
        s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        List<String> supported = List.of(s.getSupportedCipherSuites());
        s.setEnabledCipherSuites(options.suites().stream().filter(supported::contains).toArray(String[]::new));
        KmipListener l = new KmipListener(options, kmip, users, s);
        l.acceptor.start();
        return l;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.warn("kmip: accept failed: " + e.getMessage());
                    pause(); // out of file descriptors, say: not a loop at full speed
                }
                continue;
            }
            open.add(s);
            try {
                connections.execute(() -> serve((SSLSocket) s));
            } catch (RejectedExecutionException e) {
                Log.warn("kmip: " + options.maxConnections() + " connections are open already; refused one from "
                        + s.getInetAddress().getHostAddress());
                closeQuietly(s);
            }
        }
    }

    private void serve(SSLSocket s) {
        String remote = s.getInetAddress().getHostAddress();
        try (s) {
            s.setTcpNoDelay(true); // an answer is one write: Nagle would hold it for the client's delayed ACK
            s.setSoTimeout(options.readTimeoutMs());
            s.startHandshake();
            String cn = commonName(s);
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
            while (!closed) {
                byte[] message;
                try {
                    message = readMessage(s, in);
                } catch (KmipException e) {
                    write(s, out, TtlvCodec.encode(kmip.malformed(e)));
                    return; // the framing cannot be trusted any more
                }
                if (message == null) {
                    return;
                }
                Ttlv answer;
                StoreDeadline.Scope scope = StoreDeadline.begin(); // one db_timeout_ms for the whole message
                try {
                    answer = kmip.handle(principal(cn), TtlvCodec.decode(message, limits), remote);
                } catch (KmipException e) {
                    answer = kmip.malformed(e);
                } finally {
                    scope.close();
                }
                write(s, out, TtlvCodec.encode(answer));
            }
        } catch (SocketTimeoutException e) {
            Log.debug("kmip: closed a connection from " + remote + ": too slow or idle too long");
        } catch (IOException e) {
            Log.debug("kmip: connection from " + remote + " ended: " + e.getMessage());
        } catch (RuntimeException e) {
            Log.error("kmip: unexpected failure on a connection from " + remote, e);
        } finally {
            open.remove(s);
        }
    }

    /** One whole message, or null when the client closed the connection between messages. */
    private byte[] readMessage(SSLSocket s, InputStream in) throws IOException {
        s.setSoTimeout(options.idleTimeoutMs());
        int first = in.read();
        if (first < 0) {
            return null;
        }
        long deadline = System.nanoTime() + options.readTimeoutMs() * 1_000_000L;
        byte[] header = new byte[8];
        header[0] = (byte) first;
        readFully(s, in, header, 1, deadline);
        long length = TtlvCodec.declaredLength(header);
        if (length > options.maxMessageBytes() - 8L || length % 8 != 0) {
            throw new KmipException(Reason.INVALID_MESSAGE, "a message of " + (length + 8) + " bytes is above the limit of "
                    + options.maxMessageBytes() + " bytes or not a whole number of 8-byte blocks");
        }
        byte[] message = new byte[8 + (int) length];
        System.arraycopy(header, 0, message, 0, 8);
        readFully(s, in, message, 8, deadline);
        return message;
    }

    private static void readFully(SSLSocket s, InputStream in, byte[] buf, int from, long deadline) throws IOException {
        int at = from;
        while (at < buf.length) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("message not received in time");
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(buf, at, buf.length - at);
            if (n < 0) {
                throw new EOFException("the client closed the connection inside a message");
            }
            at += n;
        }
    }

    /** Writes within the read timeout: a client that does not read has its connection closed. */
    private void write(SSLSocket s, OutputStream out, byte[] bytes) throws IOException {
        ScheduledFuture<?> cut = writeGuard.schedule(() -> closeQuietly(s), options.readTimeoutMs(), TimeUnit.MILLISECONDS);
        try {
            out.write(bytes);
            out.flush();
        } finally {
            cut.cancel(false);
        }
    }

    private String commonName(SSLSocket s) {
        try {
            Certificate[] chain = s.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? options.commonName().apply(leaf) : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The user the certificate names, looked up for every message so a removed user is refused at once. */
    private Principal principal(String cn) {
        if (cn == null) {
            return null;
        }
        try {
            return users.principalOf(Names.checkUserName("CN", cn));
        } catch (KwException e) {
            return null;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        connections.shutdownNow();
        writeGuard.shutdownNow();
        try {
            acceptor.join(2000);
            connections.awaitTermination(2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
