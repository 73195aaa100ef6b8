package keyward.store.redis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The master key's sub-keys and every Redis key name derived from them. Thread-safe (immutable).
 *
 * <pre>
 * master  = Argon2id(password, salt: 16 random bytes at &lt;ns&gt;:salt, m = 64 MiB, t = 2, p = 1)
 * k_x     = HKDF-Expand-SHA256(master, "keyward/redis-findex/v1/" + x, 32)   (master is uniform)
 * objects = &lt;ns&gt;:o:B64URL(HMAC(k_name, type | parts...))
 * index   = &lt;ns&gt;:i:G:B64URL(HMAC(k_index, 'h' | label | keyword))          header
 *           &lt;ns&gt;:i:G:B64URL(HMAC(k_index, 'c' | label | keyword | i))      cell i (1-based)
 *           G = first 12 characters of B64URL(HMAC(k_index, 'g' | label))  the generation
 * </pre>
 * Every HMAC input part is length-prefixed, so no two part lists collide. Only {@code <ns>} is
 * plain; the rest of every name is a keyed pseudorandom value.
 */
final class RedisKeys {
    static final int SALT_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    final String ns;
    private final SecretKeySpec objectKey;
    private final SecretKeySpec cellKey;
    private final SecretKeySpec nameKey;
    private final SecretKeySpec indexKey;
    private final byte[] checkValue;
    private final ThreadLocal<Mac> nameMac;
    private final ThreadLocal<Mac> indexMac;
    private final ConcurrentHashMap<String, String> generations = new ConcurrentHashMap<>();

    RedisKeys(String ns, byte[] master) {
        if (master.length != 32) {
            throw new IllegalArgumentException("the Redis master key must be 32 bytes");
        }
        this.ns = ns;
        byte[] o = expand(master, "object"), c = expand(master, "cell"), n = expand(master, "name"),
                i = expand(master, "index"), k = expand(master, "check");
        try {
            objectKey = new SecretKeySpec(o, "AES");
            cellKey = new SecretKeySpec(c, "AES");
            nameKey = new SecretKeySpec(n, "HmacSHA256");
            indexKey = new SecretKeySpec(i, "HmacSHA256");
            checkValue = hmac(new SecretKeySpec(k, "HmacSHA256"), utf8("keyward redis master key check v1"));
            nameMac = ThreadLocal.withInitial(() -> mac(nameKey));
            indexMac = ThreadLocal.withInitial(() -> mac(indexKey));
        } finally {
            for (byte[] b : new byte[][] {o, c, n, i, k}) {
                Arrays.fill(b, (byte) 0);
            }
        }
    }

    /** Argon2id with the parameters fixed above; slow (about a second) and 64 MiB by design. */
    static byte[] argon2(char[] password, byte[] salt) {
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
                .withMemoryAsKB(64 * 1024).withIterations(2).withParallelism(1).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(p);
        byte[] out = new byte[32];
        g.generateBytes(password, out);
        return out;
    }

    SecretKeySpec objectKey() {
        return objectKey;
    }

    SecretKeySpec cellKey() {
        return cellKey;
    }

    /** Stored at {@link #checkKey()}: proves at start that this master key made the database. */
    byte[] checkValue() {
        return checkValue.clone();
    }

    String saltKey() {
        return ns + ":salt";
    }

    String checkKey() {
        return ns + ":check";
    }

    String labelKey() {
        return ns + ":label";
    }

    String nextLabelKey() {
        return ns + ":next";
    }

    /** The plain counter INCR runs on; its name is still opaque. */
    String auditCounter() {
        return object("audit-position");
    }

    /** Name of the object of {@code type} identified by {@code parts}. */
    String object(String type, String... parts) {
        String[] all = new String[parts.length + 1];
        all[0] = type;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return ns + ":o:" + B64.encodeToString(nameMac.get().doFinal(encode(all)));
    }

    /** The opaque part of an object name: what index entries hold to point at users, tokens, nodes. */
    String handle(String objectName) {
        return objectName.substring(ns.length() + 3);
    }

    String objectNamed(String handle) {
        return ns + ":o:" + handle;
    }

    /** Match pattern for SCAN over every object; the namespace is restricted to glob-free characters. */
    String objectPattern() {
        return ns + ":o:*";
    }

    String indexPattern() {
        return ns + ":i:*";
    }

    String generation(String label) {
        return generations.computeIfAbsent(label,
                l -> ns + ":i:" + B64.encodeToString(indexMac.get().doFinal(encode("g", l))).substring(0, 12) + ":");
    }

    String header(String label, String keyword) {
        return generation(label) + B64.encodeToString(indexMac.get().doFinal(encode("h", label, keyword)));
    }

    String cell(String label, String keyword, long i) {
        return generation(label) + B64.encodeToString(indexMac.get().doFinal(encode("c", label, keyword, Long.toString(i))));
    }

    private static byte[] encode(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            byte[] b = utf8(p);
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] expand(byte[] prk, String purpose) {
        byte[] info = utf8("keyward/redis-findex/v1/" + purpose);
        byte[] in = Arrays.copyOf(info, info.length + 1);
        in[info.length] = 1;
        return hmac(new SecretKeySpec(prk, "HmacSHA256"), in);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
