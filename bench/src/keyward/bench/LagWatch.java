package keyward.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replication lag under a steady write load: keys created on the first node at a fixed rate for a
 * while, and one watcher per other node that polls it for the oldest key it has not yet seen, in
 * write order, recording each key's time from its write to being served there.
 */
final class LagWatch {
    private final List<Double> lags = Collections.synchronizedList(new ArrayList<>());
    private final List<Written> written = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean writing = true;

    private record Written(String id, long atNanos) {
    }

    private LagWatch() {
    }

    List<Double> lags() {
        return new ArrayList<>(lags);
    }

    int written() {
        return written.size();
    }

    static LagWatch run(HttpClient client, List<String> bases, String token, int seconds, int rate) throws Exception {
        LagWatch w = new LagWatch();
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long stopWatching = start + (seconds + 15) * 1_000_000_000L;
        List<Thread> watchers = new ArrayList<>();
        for (String b : bases.subList(1, bases.size())) {
            Thread t = new Thread(() -> w.watch(client, b, token, stopWatching), "lag-watcher");
            t.start();
            watchers.add(t);
        }
        for (long next = start; next < start + seconds * 1_000_000_000L; next += periodNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String id = create(client, bases.get(0), token);
            w.written.add(new Written(id, System.nanoTime()));
        }
        w.writing = false;
        for (Thread t : watchers) {
            t.join();
        }
        return w;
    }

    /** Creates a key on {@code base}; returns its id. */
    static String create(HttpClient client, String base, String token) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/keys"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"algorithm\":\"aes-256-gcm\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        int at = r.body().indexOf("\"id\":\"") + 6;
        return r.body().substring(at, at + 36);
    }

    private void watch(HttpClient client, String base, String token, long until) {
        int next = 0;
        try {
            while (System.nanoTime() < until) {
                boolean done = !writing; // read before the list: once true, the list is complete
                Written w;
                synchronized (written) {
                    w = next < written.size() ? written.get(next) : null;
                }
                if (w != null && ReplicationLag.get(client, base + "/v1/keys/" + w.id, token) == 200) {
                    lags.add((System.nanoTime() - w.atNanos) / 1e6);
                    next++;
                } else if (w == null && done) {
                    return;
                } else {
                    Thread.sleep(5);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("lag watcher: " + e);
        }
    }
}
