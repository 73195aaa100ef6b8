package keyward.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The load generator for TLS connections (KMIP's port and the HTTPS API): a fixed number of
 * persistent connections, each a closed loop with one request in flight, one thread per
 * connection with blocking sockets (TLS over a selector would cost more code than the
 * measurement is worth; the thread switches are the client's cost, not the server's).
 * Counting follows {@link Load}: responses completed inside the window, latency from the first
 * byte sent to the last byte received; a response the {@link Framing} calls failed is an error.
 */
final class TlsLoad {
    private static final int MAX_RESPONSE = 16 << 20;

    /** How a protocol's responses end and whether one succeeded. */
    interface Framing {
        /** The total length of the response whose first {@code have} bytes are in {@code buf}, or -1 until known. */
        int length(byte[] buf, int have) throws IOException;

        /** Null if the complete response succeeded, else a short description of the failure. */
        String failure(byte[] response, int length);
    }

    /** KMIP's TTLV: an 8-byte header whose last four bytes give the value's length. */
    static final Framing TTLV = new Framing() {
        // ResultStatus (0x42007F), Enumeration, length 4, value 0 (Success), 4 bytes of padding
        private final byte[] success = {0x42, 0x00, 0x7F, 0x05, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0};

        @Override
        public int length(byte[] buf, int have) {
            return have < 8 ? -1 : 8 + ByteBuffer.wrap(buf, 4, 4).getInt();
        }

        @Override
        public String failure(byte[] response, int length) {
            return Load.indexOf(response, length, success) >= 0 ? null : "a KMIP response without Result Status Success";
        }
    };

    /** HTTP/1.1 with Content-Length (what Keyward sends); a status outside 2xx is a failure. */
    static final Framing HTTP = new Framing() {
        private final byte[] headerEnd = {'\r', '\n', '\r', '\n'};

        @Override
        public int length(byte[] buf, int have) throws IOException {
            int end = Load.indexOf(buf, have, headerEnd);
            if (end < 0) {
                return -1;
            }
            String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int at = head.indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IOException("an HTTP response without Content-Length: " + head.lines().findFirst().orElse(""));
            }
            int eol = head.indexOf("\r\n", at + 2);
            return end + 4 + Integer.parseInt(head.substring(at + 17, eol < 0 ? head.length() : eol).trim());
        }

        @Override
        public String failure(byte[] response, int length) {
            return response[9] == '2' ? null
                    : new String(response, 0, Math.min(length, 300), StandardCharsets.ISO_8859_1).replace("\r\n", " ");
        }
    };

    private TlsLoad() {
    }

    /**
     * Runs {@code connections} closed loops sending {@code requests} in turn for {@code warmup},
     * then measures for {@code duration}.
     */
    static Load.Result run(SSLContext tls, int port, List<byte[]> requests, Framing framing, int connections,
                           Duration warmup, Duration duration, Load.Window window) throws IOException, InterruptedException {
        List<SSLSocket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            s.startHandshake();
            sockets.add(s);
        }
        // the clock starts once every connection is open: handshakes belong in no window
        long from = System.nanoTime() + warmup.toNanos();
        long until = from + duration.toNanos();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(sockets.get(i), requests, framing, i % requests.size(), from, until));
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w, "tls-load-" + threads.size());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        sleepUntil(from);
        window.opened();
        sleepUntil(until);
        window.closed();
        long completed = 0;
        long errors = 0;
        Latencies all = new Latencies();
        String first = null;
        for (int i = 0; i < threads.size(); i++) {
            threads.get(i).join(Duration.ofSeconds(30).toMillis());
            Worker w = workers.get(i);
            w.socket.close();
            completed += w.completed;
            errors += w.errors;
            all.addAll(w.latencies);
            if (first == null) {
                first = w.firstError.get();
            }
        }
        return new Load.Result(completed, errors, duration.toNanos() / 1e9, all, first);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /** One connection's closed loop. */
    private static final class Worker implements Runnable {
        final SSLSocket socket;
        final List<byte[]> requests;
        final Framing framing;
        final long from;
        final long until;
        final Latencies latencies = new Latencies();
        final AtomicReference<String> firstError = new AtomicReference<>();
        int next;
        long completed;
        long errors;

        Worker(SSLSocket socket, List<byte[]> requests, Framing framing, int next, long from, long until) {
            this.socket = socket;
            this.requests = requests;
            this.framing = framing;
            this.next = next;
            this.from = from;
            this.until = until;
        }

        @Override
        public void run() {
            byte[] in = new byte[16 * 1024];
            try {
                OutputStream out = socket.getOutputStream();
                InputStream input = socket.getInputStream();
                while (System.nanoTime() < until) {
                    long sent = System.nanoTime();
                    out.write(requests.get(next));
                    out.flush();
                    next = next + 1 == requests.size() ? 0 : next + 1;
                    int have = 0;
                    int length = -1;
                    while (length < 0 || have < length) {
                        if (have == in.length) {
                            if (in.length >= MAX_RESPONSE) {
                                throw new IOException("a response larger than " + MAX_RESPONSE + " bytes");
                            }
                            in = Arrays.copyOf(in, in.length * 2);
                        }
                        int n = input.read(in, have, in.length - have);
                        if (n < 0) {
                            throw new IOException("the server closed the connection before the response ended");
                        }
                        have += n;
                        if (length < 0) {
                            length = framing.length(in, have);
                        }
                    }
                    long now = System.nanoTime();
                    String failure = framing.failure(in, length);
                    boolean inWindow = now >= from && now < until;
                    if (failure == null && inWindow) {
                        completed++;
                        latencies.add(now - sent);
                    } else if (failure != null) {
                        errors += inWindow ? 1 : 0;
                        firstError.compareAndSet(null, failure);
                    }
                }
            } catch (IOException e) {
                errors++;
                firstError.compareAndSet(null, e.getMessage());
            }
        }
    }
}
