package keyward.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import keyward.log.Log;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.ReplicaTx;

/**
 * The replication listener: TLS 1.3 with a required client certificate that must be pinned, then
 * answers pulls and snapshot pages. At most {@link #THREADS} connections are served at once and a
 * few more wait; beyond that a connection is closed at once. Each read waits at most the timeout.
 */
final class SupplierServer implements AutoCloseable {

    static final int THREADS = 4;
    private static final int MAX_REQUESTS_PER_CONNECTION = 1000;
    /** A connection lives at most this long, however slowly its peer sends. */
    static final long CONNECTION_DEADLINE_MS = 10 * 60_000;

    private final SSLServerSocket server;
    private final Replica replica;
    private final Supplier<String> domain;
    private final int timeoutMs;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;

    SupplierServer(String bindAddress, SSLContext tls, Replica replica, Supplier<String> domain, int timeoutMs)
            throws IOException {
        this.replica = replica;
        this.domain = domain;
        this.timeoutMs = timeoutMs;
        int colon = bindAddress.lastIndexOf(':');
        String host = bindAddress.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(bindAddress.substring(colon + 1));
        this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(host, port), 32);
        } catch (java.net.BindException e) {
            server.close();
            throw new java.net.BindException("replication: cannot listen on " + bindAddress + ": " + e.getMessage()
                    + "; stop what uses that port or change [replication] bindaddress");
        }
        server.setEnabledProtocols(new String[] {PinnedTls.PROTOCOL});
        server.setNeedClientAuth(true);
        this.workers = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "keyward-repl-supplier");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "keyward-repl-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    Log.warn("replication: accept failed: " + e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve((SSLSocket) s));
            } catch (RejectedExecutionException e) {
                close(s);
            }
        }
    }

    private void serve(SSLSocket s) {
        java.util.concurrent.ScheduledFuture<?> deadline = Watchdog.closeAfter(s, CONNECTION_DEADLINE_MS);
        try (s) {
            s.setSoTimeout(timeoutMs);
            s.startHandshake(); // the pinned trust manager refuses an unlisted certificate here, before any data
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < MAX_REQUESTS_PER_CONNECTION; i++) {
                Map<String, Object> request = Frames.read(in);
                if (request == null) {
                    return;
                }
                Frames.write(out, answer(request));
            }
        } catch (ProtocolException e) {
            Log.warn("replication: a consumer sent a bad request: " + e.getMessage());
        } catch (IOException e) {
            Log.debug("replication: consumer connection ended: " + e.getMessage());
        } catch (RuntimeException e) {
            if (server.isClosed()) {
                Log.debug("replication: serving a consumer stopped by shutdown: " + e);
            } else {
                Log.error("replication: serving a consumer failed", e);
            }
        } finally {
            deadline.cancel(false);
        }
    }

    Map<String, Object> answer(Map<String, Object> request) {
        String op = Fields.str(request, "op");
        if (Fields.lng(request, "v") != Protocol.VERSION) {
            throw new ProtocolException("protocol version not supported");
        }
        if (op.equals("pull")) {
            return pull(request);
        }
        if (op.equals("snapshot")) {
            return snapshot(request);
        }
        throw new ProtocolException("'op' must be pull or snapshot");
    }

    private Map<String, Object> pull(Map<String, Object> request) {
        String theirDomain = Fields.str(request, "domain");
        Map<String, String> vector = Protocol.vector(request, "vector");
        int limit = Protocol.limit(request, Protocol.MAX_CHANGES);
        if (!theirDomain.equals(domain.get())) {
            return Protocol.message("answer", Protocol.DOMAIN_MISMATCH);
        }
        for (Map.Entry<String, String> t : replica.trimmed().entrySet()) {
            String theirs = vector.get(t.getKey());
            if (theirs == null || theirs.compareTo(t.getValue()) < 0) {
                return Protocol.message("answer", Protocol.REFRESH_REQUIRED);
            }
        }
        List<ChangeRow> rows = replica.changesAfter(vector, limit, Protocol.MAX_BATCH_BYTES);
        if (rows.isEmpty()) {
            return Protocol.message("answer", Protocol.NOTHING_NEW);
        }
        Map<String, Object> m = Protocol.message("answer", Protocol.CHANGES);
        m.put("changes", Protocol.changes(rows));
        return m;
    }

    private Map<String, Object> snapshot(Map<String, Object> request) {
        String afterKind = Fields.str(request, "after_kind");
        String afterId = Fields.str(request, "after_id");
        int limit = Protocol.limit(request, Protocol.MAX_DOCS);
        Map<String, Object> m = Protocol.message("answer", Protocol.SNAPSHOT);
        m.put("domain", domain.get());
        replica.read("snapshotPage", tx -> {
            m.put("vector", new java.util.LinkedHashMap<String, Object>(tx.vector()));
            List<Object> docs = new java.util.ArrayList<>();
            for (ReplicaTx.DocRow d : tx.docsAfter(afterKind, afterId, limit)) {
                docs.add(Map.of("kind", d.kind(), "object", d.objectId(), "doc", Fields.b64(d.doc())));
            }
            m.put("docs", docs);
            return null;
        });
        return m;
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
