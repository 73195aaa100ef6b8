package keyward.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.config.Config;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Principal;
import keyward.core.Settings;
import keyward.json.Json;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;
import keyward.store.StoreUnavailableException;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;

/**
 * Fills an initialised deployment with many keys before its server starts, through the same core
 * call the API's create makes ({@code KeyService.create}: fresh material wrapped under the KEK,
 * owner admin), so the rows have exactly the API's shape. Key {@code i} carries the tag
 * {@code grp-(i / 10)}, so a locate by one tag finds ten keys among all of them.
 *
 * <p>Only the write durability differs from a server's, to keep the fill short: SQLite runs with
 * {@code synchronous=OFF} and PostgreSQL with {@code synchronous_commit=off}. The fill closes its
 * store (SQLite checkpoints) before the server opens the database, so nothing is at risk.
 * Usage: {@code Fill --keys=N [--named] [--out=RESULTS.jsonl] <keyward server flags>}; the row it
 * appends says how long the fill took. With {@code --named} key {@code i} is also named
 * {@link #name name(i)} ({@code make bench-scale} encrypts by name).
 */
final class Fill {
    static final int KEYS_PER_TAG = 10;

    private Fill() {
    }

    static String tag(int group) {
        return "grp-" + group;
    }

    static String name(int i) {
        return "scale-" + i;
    }

    static void main(String[] args) throws Exception {
        int keys = 100_000;
        String out = null;
        boolean named = false;
        List<String> flags = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--keys=")) {
                keys = Integer.parseInt(a.substring(7));
            } else if (a.equals("--named")) {
                named = true;
            } else if (a.startsWith("--out=")) {
                out = a.substring(6);
            } else {
                flags.add(a);
            }
        }
        Config c = Config.load(flags, Map.of());
        long t0 = System.nanoTime();
        int threads = threads(c.databaseType());
        try (Store store = open(c, threads)) {
            store.open();
            Secrets secrets = Secrets.load(c, store);
            Core core = new Core(store, secrets.kek(), secrets.pepper(), Settings.defaults("bench-fill"), keyward.time.Clock.system());
            fill(core, keys, threads, named);
        }
        double seconds = Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
        System.err.printf("%s: filled %d keys in %.1f s%n", c.databaseType(), keys, seconds);
        if (out != null) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", "fill");
            row.put("backend", c.databaseType());
            row.put("keys", (long) keys);
            row.put("seconds", seconds);
            Files.writeString(Path.of(out), Json.write(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static void fill(Core core, int keys, int threads, boolean named) throws Exception {
        Principal admin = new Principal("admin", true);
        AtomicInteger next = new AtomicInteger();
        int step = Math.max(1000, keys / 20); // a progress line every 5 %
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < keys; ) {
                        create(core, admin, i, named);
                        if ((i + 1) % step == 0) {
                            System.err.printf("fill: %d of %d keys%n", i + 1, keys);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10 + keys / 2000, TimeUnit.MINUTES); // a million keys took 20 minutes on a busy machine
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Creates key {@code i}, retrying while the store says it is busy: concurrent creators contend
     * on the encrypted index's shared keyword lists (owner, algorithm, state) in redis-findex.
     */
    private static void create(Core core, Principal admin, int i, boolean named) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                core.keys().create(admin, new KeyRequests.Create(named ? name(i) : null, "aes-256-gcm", List.of(tag(i / KEYS_PER_TAG)),
                        Map.of(), false, 0));
                return;
            } catch (StoreUnavailableException e) {
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(attempt);
            }
        }
    }

    /** SQLite has one writer; the servers gain from concurrent commits; Redis's index lists from a few. */
    private static int threads(String type) {
        return switch (type) {
            case "sqlite" -> 2;
            case "redis-findex" -> 4;
            default -> 16;
        };
    }

    private static Store open(Config c, int threads) {
        Properties fast = new Properties();
        switch (c.databaseType()) {
            case "sqlite":
                fast.setProperty("synchronous", "OFF");
                return SqlStore.open(new SqlOptions("sqlite", "jdbc:sqlite:" + c.sqlitePath().toAbsolutePath(), null,
                        null, 4, 30_000, fast));
            case "postgresql":
                fast.setProperty("options", "-c synchronous_commit=off");
                return SqlStore.open(new SqlOptions("postgresql", c.databaseUrl(), null, null, threads, 30_000, fast));
            default:
                return Stores.create(c);
        }
    }
}
