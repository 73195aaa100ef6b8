package keyward.store.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * The encrypted index: typed keyword ("tag:pci", "owner:alice", "type:user", ...) to a set of
 * values (key ids, object names, positions). Thread-safe.
 *
 * <p>Each keyword owns an append-only list: a header holding the count, and cells 1..count at
 * keyed pseudorandom addresses (see {@link RedisKeys}). Header and cells are AES-GCM sealed,
 * all of exactly {@link #CELL_BYTES} bytes:
 * <pre>
 * plain cell   = op (1: add, 0: delete) | version (8) | length (1) | value (&lt;= 54, UTF-8) | zeros  = 64 bytes
 * plain header = count (8) | zeros                                                                = 64 bytes
 * </pre>
 * Appends are a compare-and-swap on the header (Lua), so any number of writers append without
 * losing an entry. Folding a list keeps, per value, the entry with the highest version (the later
 * one on a tie); writers give key entries the row version they write, which keeps an add from
 * being hidden by an older writer's late delete. Results are candidates only: callers re-check
 * each one against the decrypted object.
 */
final class Findex {
    static final int PLAIN_BYTES = 64;
    static final int CELL_BYTES = PLAIN_BYTES + ObjectCodec.OVERHEAD;
    static final int MAX_VALUE = 54;
    private static final int MAX_CAS_ROUNDS = 200;
    private static final int CELLS_PER_CALL = 1000;
    private static final int KEYS_PER_MGET = 10_000;

    /** One appended entry. */
    record Entry(boolean add, long version, String value) {
        Entry {
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE) {
                throw new IllegalArgumentException("index value longer than " + MAX_VALUE + " bytes: ids must be at most "
                        + MAX_VALUE + " bytes in UTF-8");
            }
        }
    }

    private final RedisPool pool;
    private final RedisKeys keys;
    private final ObjectCodec codec;
    private final Generation generation;

    Findex(RedisPool pool, RedisKeys keys, ObjectCodec codec, Generation generation) {
        this.pool = pool;
        this.keys = keys;
        this.codec = codec;
        this.generation = generation;
    }

    /**
     * Appends under every label {@code v} writes to.
     *
     * @throws Generation.ChangedException if the view is out of date (entries already appended stay: a superset is harmless)
     */
    void append(Generation.View v, Map<String, List<Entry>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (String label : v.writeLabels()) {
            appendTo(label, v, entries);
        }
    }

    /** Appends with the current view, following a generation change (for entries written after their object). */
    void appendFollowing(Map<String, List<Entry>> entries) {
        for (int attempt = 0; ; attempt++) {
            try {
                append(generation.current(), entries);
                return;
            } catch (Generation.ChangedException e) {
                if (attempt >= 5) {
                    throw new StoreUnavailableException("the findex label keeps changing; retry later", e);
                }
                generation.refresh();
            }
        }
    }

    void appendTo(String label, Generation.View v, Map<String, List<Entry>> entries) {
        int longest = entries.values().stream().mapToInt(List::size).max().orElse(0);
        // a long list (label rotation) goes in slices; each slice is its own compare-and-swap
        for (int from = 0; from < longest; from += CELLS_PER_CALL) {
            Map<String, List<Entry>> slice = new LinkedHashMap<>();
            for (Map.Entry<String, List<Entry>> e : entries.entrySet()) {
                List<Entry> list = e.getValue();
                if (list.size() > from) {
                    slice.put(e.getKey(), list.subList(from, Math.min(list.size(), from + CELLS_PER_CALL)));
                }
            }
            appendSlice(label, v, slice);
        }
    }

    private void appendSlice(String label, Generation.View v, Map<String, List<Entry>> entries) {
        Map<String, List<Entry>> pending = new LinkedHashMap<>(entries);
        List<String> order = new ArrayList<>(pending.keySet());
        Map<String, byte[]> headers = readHeaders(label, order);
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round == MAX_CAS_ROUNDS) {
                throw new StoreUnavailableException("the encrypted index is too busy: " + pending.size()
                        + " keyword lists did not accept an append after " + MAX_CAS_ROUNDS + " tries", null);
            }
            if (round > 0) {
                pause(round);
            }
            List<String> ks = new ArrayList<>(pending.keySet());
            List<Scripts.Call> calls = new ArrayList<>(ks.size());
            for (String k : ks) {
                calls.add(appendCall(label, v, k, headers.get(k), pending.get(k)));
            }
            List<List<Object>> replies = pool.with(c -> Scripts.run(c, calls));
            for (int i = 0; i < ks.size(); i++) {
                List<Object> r = replies.get(i);
                switch (Scripts.status(r)) {
                    case "ok" -> pending.remove(ks.get(i));
                    case "gen" -> throw new Generation.ChangedException();
                    case "header" -> {
                        byte[] h = (byte[]) r.get(1);
                        headers.put(ks.get(i), h.length == 0 ? null : h);
                    }
                    default -> throw new StoreException("unexpected answer from the index append script");
                }
            }
        }
    }

    private Scripts.Call appendCall(String label, Generation.View v, String keyword, byte[] header, List<Entry> add) {
        String headerKey = keys.header(label, keyword);
        long count = header == null ? 0 : count(headerKey, header);
        List<String> ks = new ArrayList<>(3 + add.size());
        ks.add(keys.labelKey());
        ks.add(keys.nextLabelKey());
        ks.add(headerKey);
        List<byte[]> args = new ArrayList<>(v.scriptArgs());
        args.add(header == null ? new byte[0] : header);
        args.add(codec.sealCell(headerKey, ByteBuffer.allocate(PLAIN_BYTES).putLong(count + add.size()).array()));
        for (int i = 0; i < add.size(); i++) {
            String cell = keys.cell(label, keyword, count + 1 + i);
            ks.add(cell);
            args.add(codec.sealCell(cell, plain(add.get(i))));
        }
        return new Scripts.Call(Scripts.APPEND, ks, args);
    }

    private Map<String, byte[]> readHeaders(String label, List<String> keywords) {
        List<String> names = new ArrayList<>();
        names.add("MGET");
        keywords.forEach(k -> names.add(keys.header(label, k)));
        List<?> raw = (List<?>) pool.call(names.toArray(String[]::new));
        Map<String, byte[]> headers = new HashMap<>();
        for (int i = 0; i < keywords.size(); i++) {
            headers.put(keywords.get(i), (byte[]) raw.get(i));
        }
        return headers;
    }

    /** Keyword to its live values, read from one generation (re-read if a rotation switches it meanwhile). */
    Map<String, Set<String>> search(Collection<String> keywords) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Generation.View v = generation.current();
            Map<String, Set<String>> found = searchIn(v, new ArrayList<>(keywords));
            if (found != null) {
                return found;
            }
            generation.refresh();
        }
        throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
    }

    private Map<String, Set<String>> searchIn(Generation.View v, List<String> keywords) {
        List<String> headerKeys = keywords.stream().map(k -> keys.header(v.label(), k)).toList();
        List<Object> headers = mget(v, List.of(headerKeys));
        if (headers == null) {
            return null;
        }
        List<String> cellKeys = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < keywords.size(); i++) {
            byte[] h = (byte[]) headers.get(i);
            long n = h == null ? 0 : count(headerKeys.get(i), h);
            for (long c = 1; c <= n; c++) {
                cellKeys.add(keys.cell(v.label(), keywords.get(i), c));
                owner.add(i);
            }
        }
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < cellKeys.size(); from += KEYS_PER_MGET) {
            chunks.add(cellKeys.subList(from, Math.min(cellKeys.size(), from + KEYS_PER_MGET)));
        }
        List<Object> cells = mget(v, chunks);
        if (cells == null) {
            return null;
        }
        List<Map<String, long[]>> folds = new ArrayList<>();
        keywords.forEach(k -> folds.add(new HashMap<>()));
        for (int i = 0; i < cellKeys.size(); i++) {
            byte[] sealed = (byte[]) cells.get(i);
            if (sealed == null) {
                throw damaged(null);
            }
            fold(folds.get(owner.get(i)), cellKeys.get(i), sealed);
        }
        Map<String, Set<String>> result = new HashMap<>();
        for (int i = 0; i < keywords.size(); i++) {
            Set<String> live = new TreeSet<>();
            folds.get(i).forEach((value, state) -> {
                if (state[1] == 1) {
                    live.add(value);
                }
            });
            result.put(keywords.get(i), live);
        }
        return result;
    }

    /** MGETs each chunk with the label record in front; null if the label is not the one {@code v} expects. */
    private List<Object> mget(Generation.View v, List<List<String>> chunks) {
        List<List<byte[]>> cmds = new ArrayList<>();
        for (List<String> chunk : chunks) {
            List<String> words = new ArrayList<>(chunk.size() + 2);
            words.add("MGET");
            words.add(keys.labelKey());
            words.addAll(chunk);
            cmds.add(RedisConnection.args(words.toArray(String[]::new)));
        }
        List<Object> all = new ArrayList<>();
        for (int from = 0; from < cmds.size(); from += 10) {
            List<Object> replies = pool.pipeline(cmds.subList(from, Math.min(cmds.size(), from + 10)));
            for (Object r : replies) {
                if (!(r instanceof List<?> list)) {
                    throw new StoreException("Redis refused MGET: " + r);
                }
                if (!Generation.sameLabel(v, list.get(0))) {
                    return null;
                }
                all.addAll(list.subList(1, list.size()));
            }
        }
        return all;
    }

    private void fold(Map<String, long[]> fold, String cellKey, byte[] sealed) {
        byte[] p = open(cellKey, sealed);
        ByteBuffer b = ByteBuffer.wrap(p);
        boolean add = b.get() == 1;
        long version = b.getLong();
        int len = b.get() & 0xff;
        if (len > MAX_VALUE) {
            throw damaged(null);
        }
        String value = new String(p, 10, len, StandardCharsets.UTF_8);
        long[] state = fold.get(value);
        if (state == null || version >= state[0]) {
            fold.put(value, new long[] {version, add ? 1 : 0});
        }
    }

    private long count(String headerKey, byte[] sealed) {
        long n = ByteBuffer.wrap(open(headerKey, sealed)).getLong();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw damaged(null);
        }
        return n;
    }

    private byte[] open(String key, byte[] sealed) {
        try {
            byte[] p = codec.openCell(key, sealed);
            if (p.length != PLAIN_BYTES) {
                throw damaged(null);
            }
            return p;
        } catch (StoreException e) {
            throw damaged(e);
        }
    }

    private static byte[] plain(Entry e) {
        byte[] value = e.value().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(PLAIN_BYTES).put((byte) (e.add() ? 1 : 0)).putLong(e.version())
                .put((byte) value.length).put(value).array();
    }

    private static StoreException damaged(Exception cause) {
        return new StoreException("the encrypted index in Redis is damaged; rebuild it with rotate-findex-label", cause);
    }

    private static void pause(int round) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(round, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while appending to the index", e);
        }
    }
}
