package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ThreadLocalRandom;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * The encrypted index: typed keyword ("tag:pci", "owner:alice", "type:user", ...) to a set of
 * values (key ids, object names, positions). Thread-safe.
 *
 * <p>Each keyword owns an append-only list: a header holding the count, and cells 1..count at
 * keyed pseudorandom addresses (see {@link RedisKeys}), all sealed to {@link #CELL_BYTES} bytes
 * (layout in {@link Cells}). Appends are a compare-and-swap on the header (Lua), so any number
 * of writers append without losing an entry. Folding a list keeps, per value, the entry with the highest version (the later
 * one on a tie); writers give key entries the row version they write, which keeps an add from
 * being hidden by an older writer's late delete. Results are candidates only: callers re-check
 * each one against the decrypted object.
 */
final class Findex {
    static final int CELL_BYTES = Cells.SEALED_BYTES;
    static final int MAX_VALUE = Cells.MAX_VALUE;
    private static final int MAX_CAS_ROUNDS = 1000;  // ~10 s at most under heavy contention on hot keywords
    private static final int CELLS_PER_CALL = 1000;
    /** Keyword lists appended to by one script call. */
    private static final int LISTS_PER_CALL = 200;

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
    private final IndexReader reader;

    Findex(RedisPool pool, RedisKeys keys, ObjectCodec codec, Generation generation) {
        this.pool = pool;
        this.keys = keys;
        this.codec = codec;
        this.generation = generation;
        this.reader = new IndexReader(pool, keys, codec, generation);
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
        Map<String, byte[]> headers = readHeaders(label, new ArrayList<>(pending.keySet()));
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round == MAX_CAS_ROUNDS) {
                throw new StoreUnavailableException("the encrypted index is too busy: " + pending.size()
                        + " keyword lists did not accept an append after " + MAX_CAS_ROUNDS + " tries", null);
            }
            if (round > 0) {
                pause(round);
            }
            // lists grouped into calls of at most LISTS_PER_CALL lists and about CELLS_PER_CALL cells
            List<List<String>> groups = new ArrayList<>();
            List<String> group = new ArrayList<>();
            int cells = 0;
            for (Map.Entry<String, List<Entry>> e : pending.entrySet()) {
                if (!group.isEmpty() && (group.size() == LISTS_PER_CALL || cells + e.getValue().size() > CELLS_PER_CALL)) {
                    groups.add(group);
                    group = new ArrayList<>();
                    cells = 0;
                }
                group.add(e.getKey());
                cells += e.getValue().size();
            }
            groups.add(group);
            List<Scripts.Call> calls = new ArrayList<>(groups.size());
            for (List<String> g : groups) {
                calls.add(appendCall(label, v, g, headers, pending));
            }
            List<List<Object>> replies = pool.with(c -> Scripts.run(c, calls));
            for (int i = 0; i < groups.size(); i++) {
                List<Object> r = replies.get(i);
                List<String> g = groups.get(i);
                switch (Scripts.status(r)) {
                    case "ok" -> g.forEach(pending::remove);
                    case "gen" -> throw new Generation.ChangedException();
                    case "header" -> {
                        java.util.Set<String> retry = new java.util.HashSet<>();
                        for (int j = 1; j + 1 < r.size(); j += 2) {
                            int list = Integer.parseInt(new String((byte[]) r.get(j), StandardCharsets.US_ASCII));
                            if (list < 1 || list > g.size()) {
                                throw new StoreException("unexpected answer from the index append script");
                            }
                            byte[] h = (byte[]) r.get(j + 1);
                            headers.put(g.get(list - 1), h.length == 0 ? null : h);
                            retry.add(g.get(list - 1));
                        }
                        g.stream().filter(k -> !retry.contains(k)).forEach(pending::remove);
                    }
                    default -> throw new StoreException("unexpected answer from the index append script");
                }
            }
        }
    }

    /** One call of {@link Scripts#APPEND} for the lists {@code keywords}, each from the header it was last seen with. */
    private Scripts.Call appendCall(String label, Generation.View v, List<String> keywords, Map<String, byte[]> headers,
                                    Map<String, List<Entry>> pending) {
        List<String> ks = new ArrayList<>();
        ks.add(keys.labelKey());
        ks.add(keys.nextLabelKey());
        List<byte[]> args = new ArrayList<>(v.scriptArgs());
        args.add(Scripts.bytes(Integer.toString(keywords.size())));
        for (String keyword : keywords) {
            List<Entry> add = pending.get(keyword);
            byte[] header = headers.get(keyword);
            String headerKey = keys.header(label, keyword);
            long count = Cells.openHeader(codec, headerKey, header);
            ks.add(headerKey);
            args.add(Scripts.bytes(Integer.toString(add.size())));
            args.add(header == null ? new byte[0] : header);
            args.add(Cells.sealHeader(codec, headerKey, count + add.size()));
            for (int i = 0; i < add.size(); i++) {
                String cell = keys.cell(label, keyword, count + 1 + i);
                ks.add(cell);
                args.add(Cells.sealEntry(codec, cell, add.get(i)));
            }
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

    /** Keyword to its live values, sorted; see {@link IndexReader}. */
    Map<String, NavigableSet<String>> search(Collection<String> keywords) {
        return reader.search(keywords);
    }

    /** Entries (adds and deletes) per keyword list: the cost of reading it. */
    Map<String, Long> counts(Collection<String> keywords) {
        return reader.counts(keywords);
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
