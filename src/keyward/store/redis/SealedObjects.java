package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * Reads and conditional writes of sealed objects (see {@link ObjectCodec}). Thread-safe.
 * Values go in and come out as plaintext; what Redis holds is always the sealed form.
 */
final class SealedObjects {
    private static final int MAX_GENERATION_RETRIES = 5;

    /** A value as read: the sealed bytes (for a later compare-and-set) and its plaintext. */
    record Stored(byte[] sealed, byte[] plain) {
    }

    /** A write precondition: {@code sealed} must be the current value, or the key absent if null. */
    record Check(String key, byte[] sealed) {
    }

    /** A write: {@code plain} sealed under {@code key}, or the key deleted if null. */
    record Put(String key, byte[] plain) {
    }

    private final RedisPool pool;
    private final RedisKeys keys;
    private final ObjectCodec codec;
    private final Generation generation;

    SealedObjects(RedisPool pool, RedisKeys keys, ObjectCodec codec, Generation generation) {
        this.pool = pool;
        this.keys = keys;
        this.codec = codec;
        this.generation = generation;
    }

    RedisKeys keys() {
        return keys;
    }

    RedisPool pool() {
        return pool;
    }

    /** Runs {@code op} with the current generation view, again with a fresh view if the generation changed under it. */
    <T> T withView(Function<Generation.View, T> op) {
        for (int attempt = 0; ; attempt++) {
            try {
                return op.apply(generation.current());
            } catch (Generation.ChangedException e) {
                if (attempt >= MAX_GENERATION_RETRIES) {
                    throw new StoreUnavailableException("the findex label keeps changing; retry later", e);
                }
                generation.refresh();
            }
        }
    }

    Stored get(String key) {
        byte[] sealed = (byte[]) pool.call(List.of(Scripts.bytes("GET"), Scripts.bytes(key)));
        return sealed == null ? null : new Stored(sealed, codec.open(key, sealed));
    }

    byte[] plain(String key) {
        Stored s = get(key);
        return s == null ? null : s.plain();
    }

    /** Plaintexts in the order of {@code names}; null where nothing is stored. */
    List<byte[]> plains(List<String> names) {
        List<byte[]> out = new ArrayList<>(names.size());
        for (Stored s : getAll(names)) {
            out.add(s == null ? null : s.plain());
        }
        return out;
    }

    /** Values as read, in the order of {@code names} (MGETs of 1000 names); null where nothing is stored. */
    List<Stored> getAll(List<String> names) {
        List<Stored> out = new ArrayList<>(names.size());
        for (int from = 0; from < names.size(); from += 1000) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + 1000));
            List<String> words = new ArrayList<>(chunk.size() + 1);
            words.add("MGET");
            words.addAll(chunk);
            List<?> raw = (List<?>) pool.call(words.toArray(String[]::new));
            for (int i = 0; i < chunk.size(); i++) {
                byte[] sealed = (byte[]) raw.get(i);
                out.add(sealed == null ? null : new Stored(sealed, codec.open(chunk.get(i), sealed)));
            }
        }
        return out;
    }

    /**
     * Applies {@code puts} atomically if every check holds and (unless {@code v} is null) the
     * generation is still {@code v}. Returns 0 on success, else the 1-based number of the failed check.
     *
     * @throws Generation.ChangedException if the generation moved on; nothing was written
     */
    int write(Generation.View v, List<Check> checks, List<Put> puts) {
        return write(v, checks, puts, List.of());
    }

    /** As above, and then RPUSHes each of {@code pushes} (sealed) onto its list, in order. */
    int write(Generation.View v, List<Check> checks, List<Put> puts, List<Put> pushes) {
        List<Object> r = pool.with(c -> Scripts.run(c, List.of(call(v, checks, puts, pushes)))).get(0);
        int failed = outcome(r);
        if (failed == GENERATION_CHANGED) {
            throw new Generation.ChangedException();
        }
        return failed;
    }

    /** What {@link #writeAll} answers for a write refused because the generation moved on. */
    static final int GENERATION_CHANGED = -1;

    /** One conditional write of {@link #writeAll}. */
    record Write(List<Check> checks, List<Put> puts) {
    }

    /**
     * Applies each write as {@link #write(Generation.View, List, List)} does (each atomic on its
     * own), all in one pipelined round trip. Returns, per write, 0 if applied, the 1-based number of
     * its failed check, or {@link #GENERATION_CHANGED} (then that write did nothing).
     */
    int[] writeAll(Generation.View v, List<Write> writes) {
        List<Scripts.Call> calls = new ArrayList<>(writes.size());
        for (Write w : writes) {
            calls.add(call(v, w.checks(), w.puts(), List.of()));
        }
        List<List<Object>> replies = pool.with(c -> Scripts.run(c, calls));
        int[] out = new int[writes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = outcome(replies.get(i));
        }
        return out;
    }

    private Scripts.Call call(Generation.View v, List<Check> checks, List<Put> puts, List<Put> pushes) {
        List<String> ks = new ArrayList<>();
        ks.add(keys.labelKey());
        ks.add(keys.nextLabelKey());
        List<byte[]> args = new ArrayList<>();
        if (v == null) {
            args.add(new byte[0]);
            args.add(new byte[0]);
        } else {
            args.addAll(v.scriptArgs());
        }
        args.add(Scripts.bytes(Integer.toString(checks.size())));
        for (Check c : checks) {
            args.add(Scripts.bytes(Integer.toString(index(ks, c.key()))));
            args.add(Scripts.bytes(c.sealed() == null ? "!" : Scripts.sha1Hex(c.sealed())));
        }
        args.add(Scripts.bytes(Integer.toString(puts.size())));
        for (Put p : puts) {
            args.add(Scripts.bytes(Integer.toString(index(ks, p.key()))));
            args.add(p.plain() == null ? new byte[0] : codec.seal(p.key(), p.plain()));
        }
        for (Put p : pushes) {
            args.add(Scripts.bytes(Integer.toString(index(ks, p.key()))));
            args.add(codec.seal(p.key(), p.plain()));
        }
        return new Scripts.Call(Scripts.WRITE, ks, args);
    }

    private static int outcome(List<Object> r) {
        switch (Scripts.status(r)) {
            case "ok":
                return 0;
            case "gen":
                return GENERATION_CHANGED;
            case "conflict":
                return Integer.parseInt(new String((byte[]) r.get(1), StandardCharsets.US_ASCII));
            default:
                throw new StoreException("unexpected answer from the write script");
        }
    }

    /** The plaintexts of list elements {@code from..to} (inclusive, negative counts from the end). */
    List<byte[]> range(String list, long from, long to) {
        List<?> raw = (List<?>) pool.call("LRANGE", list, Long.toString(from), Long.toString(to));
        List<byte[]> out = new ArrayList<>(raw.size());
        raw.forEach(r -> out.add(codec.open(list, (byte[]) r)));
        return out;
    }

    /** The plaintexts of list elements at {@code indices} (one pipeline); null past the end. */
    List<byte[]> elements(String list, long[] indices) {
        List<List<byte[]>> cmds = new ArrayList<>(indices.length);
        for (long i : indices) {
            cmds.add(RedisConnection.args("LINDEX", list, Long.toString(i)));
        }
        List<byte[]> out = new ArrayList<>(indices.length);
        for (Object r : pool.pipeline(cmds)) {
            if (r instanceof Resp.Error e) {
                throw new StoreException("Redis refused LINDEX: " + e.message());
            }
            out.add(r == null ? null : codec.open(list, (byte[]) r));
        }
        return out;
    }

    long length(String list) {
        return (Long) pool.call("LLEN", list);
    }

    /** Sets without conditions (values that no index entry points at: meta). */
    void put(String key, byte[] plain) {
        List<byte[]> cmd = new ArrayList<>(List.of(Scripts.bytes("SET"), Scripts.bytes(key), codec.seal(key, plain)));
        pool.call(cmd);
    }

    boolean putIfAbsent(String key, byte[] plain) {
        List<byte[]> cmd = new ArrayList<>(List.of(Scripts.bytes("SET"), Scripts.bytes(key), codec.seal(key, plain),
                Scripts.bytes("NX")));
        return "OK".equals(pool.call(cmd));
    }

    boolean delete(String key) {
        Object r = pool.call("DEL", key);
        return r instanceof Long n && n > 0;
    }

    /** KEYS position (1-based) of {@code key}, adding it if new: the script addresses keys by number. */
    private static int index(List<String> ks, String key) {
        int i = ks.indexOf(key);
        if (i < 0) {
            ks.add(key);
            i = ks.size() - 1;
        }
        return i + 1;
    }
}
