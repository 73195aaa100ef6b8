package keyward.clusters;

import static keyward.Http.b64;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import keyward.Http;
import keyward.Poll;

/**
 * A mixed write load on several Keyward instances of one deployment, for the cluster tests (a
 * database cluster under faults): a few threads create, rotate, revoke, grant and encrypt through
 * the instances in turn, and every acknowledged write and every returned ciphertext is recorded.
 *
 * <p>Every answer is counted by status in the current <i>phase</i>: {@link #phase} starts one (a
 * fault injected, the fault healed), and the phase measures the seconds from its start until the
 * first success of a request sent after it, on any instance and on every instance, and the outage:
 * the seconds from its start until every instance that failed in it served again (its first
 * success after its last error). An answer is a
 * <i>violation</i> when it is an error other than 503, a 503 without {@code Retry-After}, a request
 * that failed at the HTTP level, or a request slower than the bound (the cluster tests allow the
 * database timeout, which every request keeps as one deadline, and 1.5 s for the HTTP round trip
 * on a busy machine): a database cluster losing a node may only make clients wait that long and retry.
 *
 * <p>{@link #verify} then checks, once the cluster is whole again, that every acknowledged write is
 * present on every instance (keys created, rotations' versions, revocations, grants; within a
 * bound, since an instance may answer from its cache for the cache bound) and that every ciphertext
 * decrypts there. Usage:
 * <pre>
 *   try (MixedLoad load = new MixedLoad("galera", bases, token, 3, Duration.ofMillis(2000 + 1500))) {
 *       load.start();                       // phase "steady"
 *       load.awaitSuccesses(50);
 *       load.phase("SIGKILL node 2");       // ... kill it ...
 *       load.awaitRecovered(Duration.ofSeconds(30));
 *       load.phase("node 2 back");          // ... restart it ...
 *       load.stop();
 *       MixedLoad.Verified v = load.verify(Duration.ofSeconds(30));
 *       // assert load.violations() empty, v.lost() == 0, v.undecryptable() == 0
 *   }
 * </pre>
 * Thread-safe. Prints one line per phase and one for the verification, prefixed {@code [clusters]}.
 */
public final class MixedLoad implements AutoCloseable {

    /** One phase's numbers. */
    public static final class Phase {
        public final String label;
        final long startNanos;
        final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        final AtomicLong firstSuccessNanos = new AtomicLong(-1);
        final Map<Integer, Long> firstSuccessByInstance = new ConcurrentHashMap<>();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicLong slowestMillis = new AtomicLong();
        /** Per instance: {end of its last error, end of its first success after that (-1: none yet), successes since}. */
        private final Map<Integer, long[]> streaks = new ConcurrentHashMap<>();

        Phase(String label, long startNanos) {
            this.label = label;
            this.startNanos = startNanos;
        }

        public int requests() {
            return requests.get();
        }

        /** Answers by status; -1 counts requests that failed at the HTTP level. */
        public Map<Integer, Integer> byStatus() {
            Map<Integer, Integer> m = new TreeMap<>();
            byStatus.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        /** Requests not answered 2xx. */
        public int errors() {
            int n = 0;
            for (Map.Entry<Integer, AtomicInteger> e : byStatus.entrySet()) {
                n += e.getKey() / 100 == 2 ? 0 : e.getValue().get();
            }
            return n;
        }

        /** Seconds from the phase's start to the first success of a request sent after it, or -1. */
        public double secondsToFirstSuccess() {
            long t = firstSuccessNanos.get();
            return t < 0 ? -1 : (t - startNanos) / 1e9;
        }

        /** Seconds from the phase's start until every instance had served such a success, or -1. */
        public double secondsUntilEveryInstance(int instances) {
            if (firstSuccessByInstance.size() < instances) {
                return -1;
            }
            long last = firstSuccessByInstance.values().stream().mapToLong(Long::longValue).max().orElse(startNanos);
            return (last - startNanos) / 1e9;
        }

        public long slowestMillis() {
            return slowestMillis.get();
        }

        synchronized void answered(int instance, boolean ok, long endNanos) {
            long[] st = streaks.computeIfAbsent(instance, i -> new long[] {-1, -1, 0});
            if (!ok) {
                st[0] = Math.max(st[0], endNanos);
                st[1] = -1;
                st[2] = 0;
            } else {
                if (st[1] < 0 && st[0] >= 0) {
                    st[1] = endNanos;
                }
                st[2]++;
            }
        }

        /** True when every one of {@code instances} has answered {@code n} successes in a row since its last error. */
        synchronized boolean steady(int instances, int n) {
            if (streaks.size() < instances) {
                return false;
            }
            return streaks.values().stream().allMatch(st -> st[2] >= n);
        }

        /**
         * Seconds from the phase's start until the last instance that failed in it served again (its
         * first success after its last error), 0 if none failed, -1 if one has not served again.
         */
        public synchronized double outageSeconds() {
            long last = startNanos;
            for (long[] st : streaks.values()) {
                if (st[0] >= 0) {
                    if (st[1] < 0) {
                        return -1;
                    }
                    last = Math.max(last, st[1]);
                }
            }
            return (last - startNanos) / 1e9;
        }
    }

    /** What {@link #verify} found. */
    public record Verified(int acknowledged, int lost, int ciphertexts, int undecryptable, List<String> problems) {
    }

    private record Sealed(String key, String ciphertext, String plaintext) {
    }

    private record Grant(String key, String user) {
    }

    private final String name;
    private final List<String> bases;
    private final String token;
    private final int threads;
    private final long boundMillis;
    private final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private final List<String> shared = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<Long>> rotatedVersions = new ConcurrentHashMap<>();
    private final Set<Grant> grants = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Sealed> sealed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final List<Phase> phases = new ArrayList<>();
    private final AtomicInteger successes = new AtomicInteger();
    private volatile Phase current;
    private volatile boolean running;
    private final List<Thread> workers = new ArrayList<>();

    /**
     * A load on the instances at {@code bases} (http://host:port) as the admin {@code token}, from
     * {@code threads} threads; a request slower than {@code bound} is a violation.
     */
    public MixedLoad(String name, List<String> bases, String token, int threads, Duration bound) {
        this.name = name;
        this.bases = List.copyOf(bases);
        this.token = token;
        this.threads = threads;
        this.boundMillis = bound.toMillis();
    }

    private Http http(int instance) {
        return new Http(bases.get(instance), token);
    }

    /**
     * Makes the shared keys and the users grants go to (through the first instance, which must
     * work), then starts the threads in phase "steady".
     */
    public synchronized void start() {
        Http h = http(0);
        for (int i = 0; i < 3; i++) {
            Http.Res r = h.post("/v1/keys", Map.of("name", "ml-" + run + "-shared-" + i, "algorithm", "aes-256-gcm"));
            if (r.status() != 201) {
                throw new IllegalStateException(name + ": cannot make the load's shared keys: " + r);
            }
            shared.add(r.str("id"));
        }
        for (int i = 0; i < threads; i++) {
            String user = "ml-" + run + "-u" + i;
            Http.Res r = h.post("/v1/users", Map.of("name", user));
            if (r.status() != 201) {
                throw new IllegalStateException(name + ": cannot make the load's users: " + r);
            }
            users.add(user);
        }
        phase("steady");
        running = true;
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            Thread w = new Thread(() -> work(thread), name + "-load-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
    }

    /** Ends the current phase (printing its line) and starts one named {@code label} now. */
    public synchronized Phase phase(String label) {
        if (current != null) {
            System.out.println(line(current));
        }
        Phase p = new Phase(label, System.nanoTime());
        phases.add(p);
        current = p;
        return p;
    }

    /** Waits until {@code n} more requests have succeeded (any phase); fails after 60 s. */
    public void awaitSuccesses(int n) {
        int target = successes.get() + n;
        Poll.until(name + ": " + n + " more successful requests", Duration.ofSeconds(60), () -> successes.get() >= target);
    }

    /**
     * Waits until every instance has answered 5 successes in a row since its last error in the
     * current phase; fails after {@code within}.
     */
    public void awaitRecovered(Duration within) {
        Phase p = current;
        Poll.until(name + ": every instance serves again after '" + p.label + "'", within, () -> p.steady(bases.size(), 5));
    }

    /** Stops the threads (each finishes its request) and prints the last phase's line. */
    public synchronized void stop() {
        running = false;
        for (Thread w : workers) {
            try {
                w.join(boundMillis * 2 + 60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        workers.clear();
        if (current != null) {
            System.out.println(line(current));
            current = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    /** Every answer that broke the rules (non-503 error, 503 without Retry-After, too slow, HTTP failure). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** All acknowledged writes: keys created, rotations, revocations, grants, encryptions. */
    public int acknowledged() {
        int rotations = rotatedVersions.values().stream().mapToInt(Set::size).sum();
        return created.size() + rotations + revoked.size() + grants.size() + sealed.size();
    }

    private void work(int thread) {
        List<String> mine = new ArrayList<>(); // keys this thread made and has not revoked
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int step = 0; running; step++) {
            final int i = step;
            int instance = (thread + i) % bases.size();
            Http h = http(instance);
            String sk = shared.get(random.nextInt(shared.size()));
            switch (i % 6) {
                case 0 -> {
                    Http.Res r = call(instance, () -> h.post("/v1/keys", Map.of("name", "ml-" + run + "-k" + thread + "-" + i,
                            "algorithm", "aes-128-gcm")));
                    if (r != null && r.status() == 201) {
                        created.add(r.str("id"));
                        mine.add(r.str("id"));
                    }
                }
                case 1 -> {
                    Http.Res r = call(instance, () -> h.post("/v1/keys/" + sk + "/rotate", Map.of()));
                    if (r != null && r.status() == 200) {
                        Object v = r.json().get("primary_version");
                        rotatedVersions.computeIfAbsent(sk, k -> ConcurrentHashMap.newKeySet()).add(((Number) v).longValue());
                    }
                }
                case 2 -> {
                    if (mine.isEmpty()) {
                        continue;
                    }
                    String id = mine.remove(0);
                    Http.Res r = call(instance, () -> h.post("/v1/keys/" + id + "/revoke", Map.of("reason", "retired")));
                    if (r != null && r.status() == 200) {
                        revoked.add(id);
                    }
                }
                case 3 -> {
                    String user = users.get(thread);
                    Http.Res r = call(instance, () -> h.put("/v1/keys/" + sk + "/grants/" + user,
                            Map.of("operations", List.of("encrypt", "decrypt"))));
                    if (r != null && r.status() / 100 == 2) {
                        grants.add(new Grant(sk, user));
                    }
                }
                default -> {
                    String pt = b64(run + "/" + thread + "/" + i);
                    Http.Res r = call(instance, () -> h.post("/v1/keys/" + sk + "/encrypt", Map.of("plaintext", pt)));
                    if (r != null && r.status() == 200) {
                        sealed.add(new Sealed(sk, r.str("ciphertext"), pt));
                    }
                }
            }
        }
    }

    private interface Request {
        Http.Res send();
    }

    /** Sends, times and counts one request; null if it failed at the HTTP level. */
    private Http.Res call(int instance, Request request) {
        Phase p = current;
        long start = System.nanoTime();
        Http.Res r;
        try {
            r = request.send();
        } catch (RuntimeException e) {
            r = null;
            violations.add(p.label + ": instance " + instance + ": HTTP failure: " + e.getMessage());
        }
        long end = System.nanoTime();
        long ms = (end - start) / 1_000_000;
        Phase now = current;
        Phase counted = now != null && now.startNanos <= start ? now : p;  // the phase the request was sent in
        if (counted == null) {
            return r;
        }
        int status = r == null ? -1 : r.status();
        counted.requests.incrementAndGet();
        counted.byStatus.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        counted.slowestMillis.accumulateAndGet(ms, Math::max);
        if (ms > boundMillis) {
            violations.add(counted.label + ": instance " + instance + ": answered " + status + " after " + ms + " ms (bound "
                    + boundMillis + " ms)");
        }
        counted.answered(instance, r != null && status / 100 == 2, end);
        if (r != null && status / 100 == 2) {
            successes.incrementAndGet();
            if (start >= counted.startNanos) {
                counted.firstSuccessNanos.compareAndSet(-1, end);
                counted.firstSuccessByInstance.putIfAbsent(instance, end);
            }
        } else if (r != null && status == 503) {
            if (r.header("Retry-After") == null) {
                violations.add(counted.label + ": instance " + instance + ": 503 without Retry-After: " + r);
            }
        } else if (r != null) {
            violations.add(counted.label + ": instance " + instance + ": " + r);
        }
        return r;
    }

    /**
     * After {@link #stop}, with the cluster whole again: every acknowledged write on every
     * instance, every ciphertext decrypting there. Writes are read until they show (an instance may
     * serve its cache for the cache bound), for at most {@code within} per instance.
     */
    public Verified verify(Duration within) {
        List<String> problems = new ArrayList<>();
        int lost = 0;
        int undecryptable = 0;
        for (int n = 0; n < bases.size(); n++) {
            Http h = http(n);
            String on = " on instance " + n + " (" + bases.get(n) + ")";
            // an instance may serve a key from its cache for the cache bound: every check may take until
            // the deadline (one for the instance, so that many missing writes do not wait each in turn)
            long deadline = System.nanoTime() + within.toNanos();
            for (String id : created) {
                if (!eventually(deadline, () -> h.get("/v1/keys/" + id).status() == 200)) {
                    lost++;
                    problems.add("acknowledged create of " + id + " missing" + on + ": " + h.get("/v1/keys/" + id));
                }
            }
            for (Map.Entry<String, Set<Long>> e : rotatedVersions.entrySet()) {
                if (!eventually(deadline, () -> versions(h, e.getKey()).containsAll(e.getValue()))) {
                    for (Long v : e.getValue()) {
                        if (!versions(h, e.getKey()).contains(v)) {
                            lost++;
                            problems.add("acknowledged rotation to version " + v + " of " + e.getKey() + " missing" + on);
                        }
                    }
                }
            }
            for (String id : revoked) {
                if (!eventually(deadline, () -> "deactivated".equals(h.get("/v1/keys/" + id).str("state")))) {
                    lost++;
                    problems.add("acknowledged revocation of " + id + " missing" + on);
                }
            }
            for (Grant g : grants) {
                if (!eventually(deadline, () -> hasGrant(h, g))) {
                    lost++;
                    problems.add("acknowledged grant of " + g.key + " to " + g.user + " missing" + on);
                }
            }
            for (Sealed s : sealed) {
                Http.Res d = h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ciphertext));
                if (d.status() != 200 || !s.plaintext.equals(d.str("plaintext"))) {
                    undecryptable++;
                    problems.add("a ciphertext of " + s.key + " does not decrypt" + on + ": " + d);
                }
            }
        }
        Verified v = new Verified(acknowledged(), lost, sealed.size(), undecryptable,
                problems.size() > 20 ? problems.subList(0, 20) : problems);
        System.out.println("[clusters] " + name + " verified on " + bases.size() + " instances: acknowledged writes "
                + v.acknowledged() + " (creates " + created.size() + ", rotations "
                + rotatedVersions.values().stream().mapToInt(Set::size).sum() + ", revocations " + revoked.size()
                + ", grants " + grants.size() + ", encryptions " + sealed.size() + "), lost " + lost
                + ", ciphertexts " + sealed.size() + ", undecryptable " + undecryptable
                + ", violations " + violations.size());
        return v;
    }

    /** True once {@code condition} holds; checks at least once, and until the deadline. */
    private static boolean eventually(long deadlineNanos, java.util.function.BooleanSupplier condition) {
        return Poll.within(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())), condition);
    }

    /** The version numbers of key {@code id} as the instance answers them (none if it does not answer 200). */
    private static Set<Long> versions(Http h, String id) {
        Set<Long> have = new HashSet<>();
        Http.Res r = h.get("/v1/keys/" + id);
        if (r.status() == 200) {
            for (Object v : Http.asList(r.json().get("versions"))) {
                have.add(((Number) Http.asMap(v).get("version")).longValue());
            }
        }
        return have;
    }

    private static boolean hasGrant(Http h, Grant g) {
        Http.Res r = h.get("/v1/keys/" + g.key + "/grants");
        if (r.status() != 200) {
            return false;
        }
        for (Object o : Http.asList(r.json().get("grants"))) {
            if (g.user.equals(Http.asMap(o).get("user"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails unless the run kept the rules: no violation (see the class comment), no acknowledged
     * write lost, every ciphertext decrypting, and at least {@code minimum} acknowledged writes.
     */
    public void assertKept(Verified v, int minimum) {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), violations(),
                name + ": client-visible answers other than 503 with Retry-After in time");
        org.junit.jupiter.api.Assertions.assertEquals(0, v.lost(), name + ": acknowledged writes lost: " + v.problems());
        org.junit.jupiter.api.Assertions.assertEquals(0, v.undecryptable(), name + ": ciphertexts that do not decrypt: "
                + v.problems());
        org.junit.jupiter.api.Assertions.assertTrue(v.acknowledged() >= minimum, name + ": too little load to mean anything: "
                + v.acknowledged());
    }

    /** The phase's one-line summary. */
    public String line(Phase p) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("requests", p.requests());
        f.put("by_status", p.byStatus());
        f.put("errors", p.errors());
        f.put("outage_s", String.format(java.util.Locale.ROOT, "%.2f", p.outageSeconds()));
        f.put("first_success_s", String.format(java.util.Locale.ROOT, "%.2f", p.secondsToFirstSuccess()));
        f.put("every_instance_s", String.format(java.util.Locale.ROOT, "%.2f", p.secondsUntilEveryInstance(bases.size())));
        f.put("slowest_ms", p.slowestMillis());
        StringBuilder b = new StringBuilder("[clusters] " + name + " phase '" + p.label + "':");
        f.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
