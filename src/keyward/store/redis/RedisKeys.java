package keyward.store.redis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import keyward.crypto.KeyDerivation;
import keyward.crypto.Prf;
import keyward.crypto.Sealer;

/**
 * The master key's sub-keys and every Redis key name derived from them. Thread-safe (immutable).
 * The keys live in {@link Sealer}s and {@link Prf}s made by {@code keyward.crypto}; this class
 * only chooses purposes and lays out names.
 *
 * <pre>
 * master  = Argon2id(password, salt: 16 random bytes at &lt;ns&gt;:salt, m = 64 MiB, t = 2, p = 1)
 *           ({@link KeyDerivation#fromPassword})
 * k_x     = HKDF-Expand-SHA256(master, "keyward/redis-findex/v1/" + x, 32)   (master is uniform)
 * check   = HMAC(k_check, "keyward redis master key check v1")
 * objects = &lt;ns&gt;:o:B64URL(HMAC(k_name, type | parts...))
 * index   = &lt;ns&gt;:i:G:B64URL(HMAC(k_index, 'h' | label | keyword))          header
 *           &lt;ns&gt;:i:G:B64URL(HMAC(k_index, 'c' | label | keyword | i))      cell i (1-based)
 *           G = first 12 characters of B64URL(HMAC(k_index, 'g' | label))  the generation
 * </pre>
 * Every HMAC input part is length-prefixed, so no two part lists collide. Only {@code <ns>} is
 * plain; the rest of every name is a keyed pseudorandom value.
 */
final class RedisKeys {
    static final int SALT_BYTES = KeyDerivation.SALT_LENGTH;
    private static final String PURPOSE = "keyward/redis-findex/v1/";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    final String ns;
    private final Sealer objectSealer;
    private final Sealer cellSealer;
    private final Prf nameMac;
    private final Prf indexMac;
    private final byte[] checkValue;
    private final ConcurrentHashMap<String, String> generations = new ConcurrentHashMap<>();

    /** Derives every sub-key from {@code master}, which the caller still owns (and may close). */
    RedisKeys(String ns, KeyDerivation master) {
        this.ns = ns;
        objectSealer = master.sealer(PURPOSE + "object");
        cellSealer = master.sealer(PURPOSE + "cell");
        nameMac = master.prf(PURPOSE + "name");
        indexMac = master.prf(PURPOSE + "index");
        checkValue = master.prf(PURPOSE + "check").apply(utf8("keyward redis master key check v1"));
    }

    Sealer objectSealer() {
        return objectSealer;
    }

    Sealer cellSealer() {
        return cellSealer;
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
        return ns + ":o:" + B64.encodeToString(nameMac.apply(encode(all)));
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
                l -> ns + ":i:" + B64.encodeToString(indexMac.apply(encode("g", l))).substring(0, 12) + ":");
    }

    String header(String label, String keyword) {
        return generation(label) + B64.encodeToString(indexMac.apply(encode("h", label, keyword)));
    }

    String cell(String label, String keyword, long i) {
        return generation(label) + B64.encodeToString(indexMac.apply(encode("c", label, keyword, Long.toString(i))));
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
