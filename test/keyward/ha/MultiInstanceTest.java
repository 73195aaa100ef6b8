package keyward.ha;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.Http;
import keyward.ManualClock;
import keyward.Poll;
import keyward.store.KeyVersion;
import keyward.store.Store;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three instances on one database under a concurrent mixed workload, then the invariants of
 * design.md's shared-database rules: no acknowledged write lost, every acknowledged rotation's
 * version present and decrypting, names unique, no grant lost, revocations effective on every
 * instance once the cache bound has passed, auto-rotation once per period. The instances share one
 * clock that the test moves.
 */
class MultiInstanceTest {
    private static final int INSTANCES = 3;
    private static final int THREADS = 9;
    private static final int OPS_PER_THREAD = 120;
    private static final Duration CACHE_TTL = Duration.ofSeconds(1);

    private record Sealed(String key, String ciphertext, String plaintext) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mysql"})
    void threeInstances_concurrentMixedWorkload_loseNothing(String type) throws Exception {
        ManualClock clock = new ManualClock();
        try (Cluster c = new Cluster(type, INSTANCES, clock, "--cache-ttl-ms=1000")) {
            Http first = c.admin(0);
            List<String> shared = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                shared.add(first.post("/v1/keys", Map.of("name", "shared-" + i, "algorithm", "aes-256-gcm")).str("id"));
            }
            List<String> users = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                users.add("user" + i);
                assertEquals(201, first.post("/v1/users", Map.of("name", "user" + i)).status());
            }
            String granted = first.post("/v1/keys", Map.of("name", "granted", "algorithm", "hmac-sha256")).str("id");

            Set<String> created = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Sealed> sealed = new ConcurrentLinkedQueue<>();
            Map<String, AtomicInteger> rotations = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> dupWinners = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < OPS_PER_THREAD; i++) {
                        Http h = c.admin((thread + i) % INSTANCES);
                        String sk = shared.get(i % shared.size());
                        Http.Res r;
                        switch (i % 6) {
                            case 0 -> {
                                r = h.post("/v1/keys", Map.of("name", "k-" + thread + "-" + i, "algorithm", "aes-128-gcm"));
                                if (r.status() == 201) {
                                    created.add(r.str("id"));
                                }
                            }
                            case 1 -> {
                                r = h.post("/v1/keys/" + sk + "/rotate", Map.of());
                                if (r.status() == 200) {
                                    rotations.computeIfAbsent(sk, k -> new AtomicInteger()).incrementAndGet();
                                }
                            }
                            case 2, 3 -> {
                                String pt = b64("t" + thread + "i" + i);
                                r = h.post("/v1/keys/" + sk + "/encrypt", Map.of("plaintext", pt));
                                if (r.status() == 200) {
                                    sealed.add(new Sealed(sk, r.str("ciphertext"), pt));
                                }
                            }
                            case 4 -> {
                                r = h.post("/v1/keys", Map.of("name", "dup-" + (i / 6), "algorithm", "aes-128-gcm"));
                                if (r.status() == 201) {
                                    dupWinners.computeIfAbsent("dup-" + (i / 6), k -> new AtomicInteger()).incrementAndGet();
                                } else if (r.status() == 409) {
                                    continue;
                                }
                            }
                            default -> r = h.put("/v1/keys/" + granted + "/grants/" + users.get(thread),
                                    Map.of("operations", List.of("mac", "get")));
                        }
                        if (r.status() >= 300) {
                            failures.incrementAndGet();
                            unexpected.add(r.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertEquals(0, failures.get(), "unexpected answers: " + unexpected);
            // every ciphertext must decrypt on every instance at once (a cached key copy that lacks a
            // fresh version looks again); metadata reads may lag by the cache bound, so move the clock past it
            for (Sealed s : sealed) {
                Http.Res d = c.admin((s.hashCode() & 0xff) % INSTANCES).post("/v1/keys/" + s.key + "/decrypt",
                        Map.of("ciphertext", s.ciphertext));
                assertEquals(s.plaintext, d.str("plaintext"), "a fresh ciphertext did not decrypt at once");
            }
            clock.advance(CACHE_TTL);

            for (int n = 0; n < INSTANCES; n++) {
                Http h = c.admin(n);
                for (String id : created) {
                    assertEquals(200, h.get("/v1/keys/" + id).status(), "acknowledged create lost: " + id);
                }
                for (String sk : shared) {
                    Map<String, Object> meta = h.get("/v1/keys/" + sk).json();
                    int expected = 1 + rotations.getOrDefault(sk, new AtomicInteger()).get();
                    assertEquals((long) expected, meta.get("primary_version"), "a rotation was lost on " + sk);
                    assertEquals(expected, Http.asList(meta.get("versions")).size());
                }
                for (Sealed s : sealed) {
                    Http.Res d = h.post("/v1/keys/" + s.key + "/decrypt", Map.of("ciphertext", s.ciphertext));
                    assertEquals(s.plaintext, d.str("plaintext"), "ciphertext does not decrypt on instance " + n);
                }
                List<Object> grants = Http.asList(h.get("/v1/keys/" + granted + "/grants").json().get("grants"));
                Set<String> grantUsers = new HashSet<>();
                for (Object g : grants) {
                    grantUsers.add((String) Http.asMap(g).get("user"));
                }
                assertEquals(new HashSet<>(users), grantUsers, "a grant was lost");
            }
            for (Map.Entry<String, AtomicInteger> e : dupWinners.entrySet()) {
                assertEquals(1, e.getValue().get(), "name " + e.getKey() + " created twice");
            }
            assertTrue(sealed.size() > 100);

            revocation_isEffectiveOnEveryInstanceOnceTheCacheBoundHasPassed(c, clock);
            autoRotation_happensOncePerPeriod(c, clock);
        }
    }

    private static void revocation_isEffectiveOnEveryInstanceOnceTheCacheBoundHasPassed(Cluster c, ManualClock clock) {
        String id = c.admin(0).post("/v1/keys", Map.of("algorithm", "aes-256-gcm")).str("id");
        for (int n = 0; n < INSTANCES; n++) {  // warm every instance's cache with the active key
            assertEquals(200, c.admin(n).post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("x"))).status());
        }
        assertEquals(200, c.admin(0).post("/v1/keys/" + id + "/revoke", Map.of("reason", "compromised")).status());
        assertEquals(422, c.admin(0).post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("x"))).status(),
                "the revoking instance refuses at once");
        clock.advance(CACHE_TTL);
        for (int n = 1; n < INSTANCES; n++) {
            assertEquals(422, c.admin(n).post("/v1/keys/" + id + "/encrypt", Map.of("plaintext", b64("x"))).status(),
                    "instance " + n + " still encrypts after the cache bound");
        }
    }

    /** Three periods pass; the key gets exactly one version per period, made at the period's end. */
    private static void autoRotation_happensOncePerPeriod(Cluster c, ManualClock clock) {
        String id = c.admin(1).post("/v1/keys", Map.of("algorithm", "aes-256-gcm", "auto_rotate_period", 2L)).str("id");
        Store store = c.nodes.get(2).node.store();
        for (int period = 1; period <= 3; period++) {
            clock.advance(Duration.ofSeconds(2));
            int expected = period + 1;
            Poll.until("rotation " + period, () -> store.findKey(id).orElseThrow().versions().size() >= expected);
        }
        List<KeyVersion> versions = store.findKey(id).orElseThrow().versions();
        assertEquals(4, versions.size(), "versions after three 2 s periods: " + versions.size());
        for (int i = 1; i < versions.size(); i++) {
            assertEquals(Duration.ofSeconds(2), Duration.between(versions.get(i - 1).createdAt(), versions.get(i).createdAt()),
                    "one rotation per period");
        }
    }
}
