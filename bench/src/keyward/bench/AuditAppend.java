package keyward.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import keyward.store.AuditRecord;
import keyward.store.sql.SqlStore;

/**
 * What one audit entry costs the SQLite store, without HTTP around it: batches of chained entries
 * appended the way the audit writer appends them, through {@code SqlStore.appendAudit}, on a fresh
 * database file. The entries name keys drawn at random from {@code --keys} ids, since that decides
 * how many key ranges each batch writes (one per key in it). Prints microseconds per entry, wall
 * clock and the appending thread's CPU, for each round.
 *
 * <pre>Bench audit-append [--batch=300] [--keys=1,2000] [--entries=100000] [--rounds=3]</pre>
 */
final class AuditAppend {
    private AuditAppend() {
    }

    static void main(String[] args) throws Exception {
        int batch = 300;
        int entries = 100_000;
        int rounds = 3;
        String keyCounts = "1,2000";
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--batch=")) {
                batch = Integer.parseInt(v);
            } else if (a.startsWith("--keys=")) {
                keyCounts = v;
            } else if (a.startsWith("--entries=")) {
                entries = Integer.parseInt(v);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(v);
            } else {
                throw new IllegalArgumentException("usage: audit-append [--batch=N] [--keys=N,M] [--entries=N] [--rounds=N]; not " + a);
            }
        }
        for (String k : keyCounts.split(",")) {
            run(batch, Integer.parseInt(k.trim()), entries, rounds);
        }
    }

    private static void run(int batch, int keys, int entries, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("kw-audit-append");
        SqlStore store = SqlStore.open(SqlStore.sqlite(dir.resolve("keyward.db")));
        try {
            store.open();
            Random random = new Random(7);
            String[] keyIds = new String[keys];
            for (int i = 0; i < keys; i++) {
                keyIds[i] = UUID.randomUUID().toString();
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long seq = 0;
            byte[] prev = new byte[32];
            for (int round = 1; round <= rounds; round++) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                int done = 0;
                while (done < entries) {
                    List<AuditRecord> b = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        b.add(new AuditRecord(0, "bench", ++seq, Instant.now(), "app", "encrypt",
                                keyIds[random.nextInt(keys)], "ok", "127.0.0.1", prev, hash));
                        prev = hash;
                    }
                    store.appendAudit(b, null);
                    done += batch;
                }
                double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / done;
                double wall = (System.nanoTime() - t0) / 1e3 / done;
                System.out.printf(Locale.ROOT, "audit-append: batch %d, %d keys, round %d (%,d entries stored): "
                        + "%.2f us/entry wall, %.2f us/entry cpu%n", batch, keys, round, seq, wall, cpu);
            }
        } finally {
            store.close();
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
