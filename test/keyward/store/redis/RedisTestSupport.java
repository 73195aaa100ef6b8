package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import keyward.crypto.KeyDerivation;
import keyward.crypto.Secret;
import keyward.store.TestDatabases;

/**
 * Shared fixture of the Redis tests: a random namespace per test, stores opened with one master
 * key made once (Argon2 only runs in the password tests), and a raw view of what Redis holds.
 */
final class RedisTestSupport {
    static final byte[] MASTER = random(32);

    private RedisTestSupport() {
    }

    static String url() {
        return TestDatabases.redisUrl();
    }

    static String newNamespace() {
        return "kwt-" + HexFormat.of().formatHex(random(6));
    }

    static RedisOptions options(String ns, String label) {
        return new RedisOptions(url(), "unused-here".toCharArray(), label, ns, 4, 5000);
    }

    static RedisStore open(String ns, String label) {
        return RedisStore.openWithMasterKey(options(ns, label), MASTER, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** The names and sealers of namespace {@code ns} under {@link #MASTER}. */
    static RedisKeys keys(String ns) {
        try (KeyDerivation k = KeyDerivation.of(Secret.copyOf(MASTER))) {
            return new RedisKeys(ns, k);
        }
    }

    static RedisPool rawPool() {
        return new RedisPool(RedisUrl.parse(url()), 2, 5000, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Every key under {@code ns} (by SCAN). */
    static List<String> keys(RedisPool pool, String pattern) {
        List<String> out = new ArrayList<>();
        String cursor = "0";
        do {
            List<?> r = (List<?>) pool.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
            for (Object o : (List<?>) r.get(1)) {
                out.add(new String((byte[]) o, StandardCharsets.UTF_8));
            }
        } while (!cursor.equals("0"));
        return out;
    }

    /** Every key under {@code ns} with every value it holds, whatever its Redis type. */
    static Map<String, List<byte[]>> dump(String ns) {
        Map<String, List<byte[]>> all = new LinkedHashMap<>();
        try (RedisPool pool = rawPool()) {
            for (String k : keys(pool, ns + ":*")) {
                String type = (String) pool.call("TYPE", k);
                List<byte[]> values = new ArrayList<>();
                switch (type) {
                    case "string" -> values.add((byte[]) pool.call("GET", k));
                    case "list" -> ((List<?>) pool.call("LRANGE", k, "0", "-1")).forEach(v -> values.add((byte[]) v));
                    case "hash" -> ((List<?>) pool.call("HGETALL", k)).forEach(v -> values.add((byte[]) v));
                    case "set" -> ((List<?>) pool.call("SMEMBERS", k)).forEach(v -> values.add((byte[]) v));
                    case "zset" -> ((List<?>) pool.call("ZRANGE", k, "0", "-1", "WITHSCORES")).forEach(v -> values.add((byte[]) v));
                    case "none" -> { }
                    default -> throw new IllegalStateException("unexpected Redis type " + type + " at " + k);
                }
                all.put(k, values);
            }
        }
        return all;
    }

    static void drop(String ns) {
        try (RedisPool pool = rawPool()) {
            List<String> ks = keys(pool, ns + ":*");
            for (int from = 0; from < ks.size(); from += 1000) {
                List<String> words = new ArrayList<>();
                words.add("UNLINK");
                words.addAll(ks.subList(from, Math.min(ks.size(), from + 1000)));
                pool.call(words.toArray(String[]::new));
            }
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
