package keyward.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import keyward.http.wire.WireOptions;
import keyward.http.wire.WireServer;

/**
 * The ceiling Keyward is measured against: a bare {@code com.sun.net.httpserver} handler on the
 * same kind of bounded worker pool as Keyward's (same thread count and request timeouts), that reads the body (at most
 * 1 MiB) and answers a small JSON object, and with {@code --aes} first seals 64 bytes with
 * AES-256-GCM under a fresh random nonce, as the cheapest possible encrypt endpoint would. Run
 * as its own process with Keyward's JVM flags: {@code Ceiling --port=N [--aes]}; it stops on
 * SIGTERM.
 */
final class Ceiling {
    private static final int MAX_BODY = 1 << 20;
    private static final byte[] BARE = "{\"ok\":true,\"version\":1}".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] KEY = new byte[32];
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private Ceiling() {
    }

    static void main(String[] args) throws IOException, InterruptedException {
        int port = 0;
        boolean aes = false;
        for (String a : args) {
            if (a.startsWith("--port=")) {
                port = Integer.parseInt(a.substring(7));
            } else if (a.equals("--aes")) {
                aes = true;
            } else {
                throw new IllegalArgumentException("usage: Ceiling --port=N [--aes]; not " + a);
            }
        }
        RANDOM.nextBytes(KEY);
        // the ceiling is Keyward's own HTTP engine with its default limits, answering at once
        boolean seal = aes;
        int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        HttpServer server = new WireServer(new WireOptions(1024, 256, threads, 10_000, 30_000, 30_000));
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", ex -> handle(ex, seal));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
        }));
        System.out.println("ceiling listening on " + server.getAddress().getPort() + (aes ? " (aes-gcm)" : ""));
        Thread.currentThread().join(); // the engine's threads are daemons: serve until killed
    }

    private static void handle(HttpExchange ex, boolean seal) throws IOException {
        try (ex) {
            int n = drain(ex.getRequestBody());
            byte[] answer = n < 0 ? "{\"error\":\"too large\"}".getBytes(StandardCharsets.UTF_8)
                    : seal ? sealed() : BARE;
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(n < 0 ? 413 : 200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** Reads the body to its end; its length, or -1 past the limit. */
    private static int drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int total = 0;
        for (int r; (r = in.read(buf)) >= 0; ) {
            total += r;
            if (total > MAX_BODY) {
                return -1;
            }
        }
        return total;
    }

    /** {@code {"ciphertext":"kw:v1:<base64 nonce | ct | tag>","version":1}} of 64 bytes. */
    private static byte[] sealed() {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
            byte[] out = new byte[12 + 64 + 16];
            System.arraycopy(nonce, 0, out, 0, 12);
            c.doFinal(new byte[64], 0, 64, out, 12);
            String json = "{\"ciphertext\":\"kw:v1:" + Base64.getEncoder().encodeToString(out) + "\",\"version\":1}";
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
