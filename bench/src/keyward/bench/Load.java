package keyward.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 load generator in the manner of wrk: a fixed number of keep-alive connections, each
 * with exactly one request in flight (a closed loop), all driven by one selector thread so that
 * the generator costs as little CPU as possible on a shared machine.
 *
 * <p>A warm-up runs first and is not counted. Then, for a fixed duration, every response that
 * completes inside the window is counted and its latency (send of the first byte to receipt of
 * the last) recorded; no request is sent after the window, and stragglers get a few seconds to
 * finish. Responses must carry Content-Length (com.sun.net.httpserver sends it for fixed-length
 * bodies); a status outside 2xx is an error, and the first one's body is kept for the report.
 * A connection the server closes is reopened. Not thread-safe: one call, one thread.
 */
final class Load {
    private static final int MAX_RESPONSE = 16 << 20;
    private static final long DRAIN_NANOS = Duration.ofSeconds(5).toNanos();
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    /** Told when the measured window opens and when it closes (for readings of the server's CPU time). */
    interface Window {
        Window NONE = new Window() {
            @Override
            public void opened() {
            }

            @Override
            public void closed() {
            }
        };

        void opened() throws IOException;

        void closed() throws IOException;
    }

    /** What one run measured; {@code seconds} is the measured window. */
    record Result(long completed, long errors, double seconds, Latencies latencies, String firstError) {
        double perSecond() {
            return completed / seconds;
        }

        /** Both windows as one: counts and seconds added, latencies merged, the first error kept. */
        Result plus(Result other) {
            Latencies all = new Latencies();
            all.addAll(latencies);
            all.addAll(other.latencies);
            return new Result(completed + other.completed, errors + other.errors, seconds + other.seconds, all,
                    firstError != null ? firstError : other.firstError);
        }
    }

    private final InetSocketAddress address;
    private final List<byte[]> requests;
    private final Latencies latencies = new Latencies();
    private int next;
    private int inFlight;
    private long completed;
    private long errors;
    private String firstError;
    private long measureFrom;
    private long measureUntil;

    private Load(InetSocketAddress address, List<byte[]> requests) {
        this.address = address;
        this.requests = requests;
    }

    /**
     * Runs {@code connections} closed loops sending {@code requests} in turn (complete HTTP/1.1
     * requests as bytes) for {@code warmup}, then measures for {@code duration}.
     */
    static Result run(InetSocketAddress address, List<byte[]> requests, int connections, Duration warmup,
                      Duration duration, Window window) throws IOException {
        if (requests.isEmpty() || connections < 1) {
            throw new IllegalArgumentException("need at least one request and one connection");
        }
        return new Load(address, requests).loop(connections, warmup.toNanos(), duration.toNanos(), window);
    }

    private Result loop(int connections, long warmupNanos, long durationNanos, Window window) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    conns.add(open(selector));
                }
                long start = System.nanoTime();
                measureFrom = start + warmupNanos;
                measureUntil = measureFrom + durationNanos;
                for (Conn c : conns) {
                    send(c);
                }
                boolean open = false;
                boolean closed = false;
                while (inFlight > 0 && System.nanoTime() < measureUntil + DRAIN_NANOS) {
                    long now = System.nanoTime();
                    if (!open && now >= measureFrom) {
                        open = true;
                        window.opened();
                    }
                    if (!closed && now >= measureUntil) {
                        closed = true;
                        window.closed();
                    }
                    selector.select(10);
                    for (SelectionKey k : selector.selectedKeys()) {
                        Conn c = (Conn) k.attachment();
                        if (k.isValid() && k.isWritable()) {
                            write(c);
                        } else if (k.isValid() && k.isReadable()) {
                            read(selector, c);
                        }
                    }
                    selector.selectedKeys().clear();
                }
                if (!closed) {
                    window.closed();
                }
            } finally {
                for (SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
            }
            return new Result(completed, errors, durationNanos / 1e9, latencies, firstError);
        }
    }

    /** One connection's state: the request being written, the response being read. */
    private static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        byte[] in = new byte[16 * 1024];
        int length;
        int headerEnd = -1;
        long contentLength;
        int status;
        boolean close;
        long sentAt;
    }

    private Conn open(Selector selector) throws IOException {
        Conn c = new Conn();
        connect(selector, c);
        return c;
    }

    private void connect(Selector selector, Conn c) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.socket().connect(address, 5000);
        ch.configureBlocking(false);
        c.channel = ch;
        c.key = ch.register(selector, 0, c);
    }

    private void send(Conn c) throws IOException {
        if (System.nanoTime() >= measureUntil) {
            return;
        }
        c.out = ByteBuffer.wrap(requests.get(next));
        next = next + 1 == requests.size() ? 0 : next + 1;
        c.length = 0;
        c.headerEnd = -1;
        inFlight++;
        c.sentAt = System.nanoTime();
        write(c);
    }

    private void write(Conn c) throws IOException {
        c.channel.write(c.out);
        c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void read(Selector selector, Conn c) throws IOException {
        if (c.length == c.in.length) {
            if (c.in.length >= MAX_RESPONSE) {
                throw new IOException("response larger than " + MAX_RESPONSE + " bytes");
            }
            c.in = Arrays.copyOf(c.in, c.in.length * 2);
        }
        int n = c.channel.read(ByteBuffer.wrap(c.in, c.length, c.in.length - c.length));
        if (n < 0) {
            inFlight--;
            fail(System.nanoTime(), "connection closed by the server before the response ended");
            c.key.cancel();
            c.channel.close();
            connect(selector, c);
            send(c);
            return;
        }
        c.length += n;
        if (c.headerEnd < 0 && !parseHeader(c)) {
            return;
        }
        long end = c.headerEnd + c.contentLength;
        if (c.length < end) {
            return;
        }
        if (c.length > end) {
            throw new IOException("the server sent bytes after the response (no request was pipelined)");
        }
        long now = System.nanoTime();
        inFlight--;
        if (c.status >= 200 && c.status < 300) {
            if (now >= measureFrom && now < measureUntil) {
                completed++;
                latencies.add(now - c.sentAt);
            }
        } else {
            fail(now, c.status + " " + new String(c.in, c.headerEnd, (int) Math.min(300, c.contentLength),
                    StandardCharsets.UTF_8));
        }
        if (c.close) {
            c.key.cancel();
            c.channel.close();
            connect(selector, c);
        }
        send(c);
    }

    /** Parses status and headers once they are complete; false while they are not. */
    private static boolean parseHeader(Conn c) throws IOException {
        int end = indexOf(c.in, c.length, HEADER_END);
        if (end < 0) {
            return false;
        }
        c.headerEnd = end + HEADER_END.length;
        String head = new String(c.in, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 ") || lines[0].length() < 12) {
            throw new IOException("not an HTTP/1.1 response: " + lines[0]);
        }
        c.status = Integer.parseInt(lines[0].substring(9, 12));
        c.contentLength = -1;
        c.close = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("content-length:")) {
                c.contentLength = Long.parseLong(line.substring(15).trim());
            } else if (line.startsWith("connection:") && line.contains("close")) {
                c.close = true;
            }
        }
        if (c.contentLength < 0) {
            c.contentLength = c.status == 204 || c.status == 304 ? 0 : -1;
        }
        if (c.contentLength < 0 || c.contentLength > MAX_RESPONSE) {
            throw new IOException("response without a usable Content-Length: " + lines[0]);
        }
        return true;
    }

    static int indexOf(byte[] hay, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void fail(long now, String what) {
        if (now >= measureFrom && now < measureUntil) {
            errors++;
        }
        if (firstError == null) {
            firstError = what;
        }
    }
}
