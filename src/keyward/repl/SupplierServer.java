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
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import keyward.audit.PartnerHeads;
import keyward.log.Log;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.ReplicaTx;

/**
 * The replication listener: TLS 1.3 with a required client certificate that must be pinned, then
 * answers pulls and snapshot pages. A pull that asks to wait ({@code wait_ms}) and finds nothing
 * new is held until this node's changelog grows ({@link ChangeSignal}) or the wait ends, so a
 * consumer hears of a change at once. One thread per pinned consumer plus {@link #THREADS} serve
 * connections at once and a few more wait; beyond that a connection is closed at once. Each read
 * waits at most the timeout. A refused handshake is logged once per peer address and cause.
 */
final class SupplierServer implements AutoCloseable {

    static final int THREADS = 4;
    private static final int MAX_REQUESTS_PER_CONNECTION = 1000;
    /** A connection lives at most this long, however slowly its peer sends. */
    static final long CONNECTION_DEADLINE_MS = 10 * 60_000;
    /** The longest a pull may ask to be held. */
    static final int MAX_WAIT_MS = 60_000;

    private final SSLServerSocket server;
    private final Replica replica;
    private final Supplier<String> domain;
    private final int timeoutMs;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final ChangeSignal signal;
    private final String node;
    private final OnceLog refusals = new OnceLog();
    private final Function<Map<String, Long>, List<PartnerHeads.Report>> auditHeads;

    SupplierServer(String bindAddress, SSLContext tls, Replica replica, Supplier<String> domain, int timeoutMs)
            throws IOException {
        this(bindAddress, tls, replica, domain, timeoutMs, new ChangeSignal(), 0, null, null);
    }

    /**
     * {@code consumers}: how many consumers are pinned, each of which may hold a connection open;
     * {@code node}: this node's uuid, told in every pull answer (null: not told); {@code auditHeads}:
     * what this node's database holds of its audit logs, for a consumer that asks (null: not told).
     */
    SupplierServer(String bindAddress, SSLContext tls, Replica replica, Supplier<String> domain, int timeoutMs,
                   ChangeSignal signal, int consumers, String node,
                   Function<Map<String, Long>, List<PartnerHeads.Report>> auditHeads) throws IOException {
        this.auditHeads = auditHeads;
        this.replica = replica;
        this.node = node;
        this.signal = signal;
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
        int threads = THREADS + consumers;
        this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "keyward-repl-supplier");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "keyward-repl-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Log.info("replication: listening on " + host + ":" + port() + " (TLS 1.3, " + consumers
                + " pinned consumer" + (consumers == 1 ? "" : "s") + ")");
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
            s.setTcpNoDelay(true); // an answer's last segment must not wait for the ACK of the one before
            try {
                s.startHandshake(); // the pinned trust manager refuses an unlisted certificate here, before any data
            } catch (javax.net.ssl.SSLException e) {
                String peer = s.getInetAddress() == null ? "?" : s.getInetAddress().getHostAddress();
                if (refusals.first(peer + " " + e.getMessage())) {
                    Log.warn("replication: refused a TLS handshake from " + peer + ": " + e.getMessage()
                            + " (logged once per peer and cause)");
                } else {
                    Log.debug("replication: refused a TLS handshake from " + peer + " again: " + e.getMessage());
                }
                return;
            }
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int lastFrame = 0; // answers on one connection are of a size: the next is written into that much room
            for (int i = 0; i < MAX_REQUESTS_PER_CONNECTION; i++) {
                Map<String, Object> request = Frames.read(in);
                if (request == null) {
                    return;
                }
                lastFrame = Frames.write(out, answer(request), lastFrame);
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
            Map<String, Object> m = pull(request);
            if (node != null) {
                m.put("node", node);
            }
            boolean sameDomain = m.get("answer").equals(Protocol.CHANGES) || m.get("answer").equals(Protocol.NOTHING_NEW);
            if (auditHeads != null && sameDomain && request.containsKey("audit_heads")) {
                m.put("audit", AuditHeadsWire.reports(auditHeads.apply(AuditHeadsWire.asked(request))));
            }
            return m;
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
        long waitMs = request.containsKey("wait_ms") ? Fields.integer(request, "wait_ms", 0, MAX_WAIT_MS) : 0;
        if (!theirDomain.equals(domain.get())) {
            Map<String, Object> m = Protocol.message("answer", Protocol.DOMAIN_MISMATCH);
            m.put("empty", replica.vector().values().stream().allMatch("0"::equals));
            return m;
        }
        for (Map.Entry<String, String> t : replica.trimmed().entrySet()) {
            String theirs = vector.get(t.getKey());
            if (theirs == null || theirs.compareTo(t.getValue()) < 0) {
                return Protocol.message("answer", Protocol.REFRESH_REQUIRED);
            }
        }
        long seen = signal.seq();
        List<ChangeRow> rows = replica.changesAfter(vector, limit, Protocol.MAX_BATCH_BYTES);
        if (rows.isEmpty() && waitMs > 0) {
            rows = await(vector, limit, seen, waitMs);
        }
        if (rows.isEmpty()) {
            Map<String, Object> m = Protocol.message("answer", Protocol.NOTHING_NEW);
            if (waitMs > 0) {
                m.put("waited", true);
            }
            return m;
        }
        Map<String, Object> m = Protocol.message("answer", Protocol.CHANGES);
        m.put("changes", Protocol.changes(rows));
        return m;
    }

    /**
     * Holds a pull until a commit here brings changes for it or {@code waitMs} pass; the last
     * look at the changelog also finds changes written by other instances on this database.
     */
    private List<ChangeRow> await(Map<String, String> vector, int limit, long seen, long waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        try {
            for (long left = waitMs; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                long now = signal.awaitAfter(seen, left);
                if (now == seen) {
                    break;
                }
                seen = now;
                List<ChangeRow> rows = replica.changesAfter(vector, limit, Protocol.MAX_BATCH_BYTES);
                if (!rows.isEmpty()) {
                    return rows;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return replica.changesAfter(vector, limit, Protocol.MAX_BATCH_BYTES);
    }

    private Map<String, Object> snapshot(Map<String, Object> request) {
        String afterKind = Fields.str(request, "after_kind");
        String afterId = Fields.str(request, "after_id");
        int limit = Protocol.limit(request, Protocol.MAX_DOCS);
        // a consumer that sends max_bytes reads pages until an empty one; older ones stop at a short page
        long maxBytes = request.containsKey("max_bytes")
                ? Fields.integer(request, "max_bytes", 1, (int) Protocol.MAX_BATCH_BYTES) : Long.MAX_VALUE;
        Map<String, Object> m = Protocol.message("answer", Protocol.SNAPSHOT);
        m.put("domain", domain.get());
        replica.read("snapshotPage", tx -> {
            m.put("vector", new java.util.LinkedHashMap<String, Object>(tx.vector()));
            List<Object> docs = new java.util.ArrayList<>();
            long bytes = 0;
            for (ReplicaTx.DocRow d : tx.docsAfter(afterKind, afterId, limit)) {
                bytes += d.doc().length;
                if (!docs.isEmpty() && bytes > maxBytes) {
                    break;
                }
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
