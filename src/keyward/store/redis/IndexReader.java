package keyward.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;

/**
 * Index search: one MGET of headers, then MGETs of the cells, each with the label record in front
 * so that a label switch in between is noticed and the search redone. Thread-safe.
 *
 * <p>Lists only ever grow and a cell never changes once written, so the fold of a long list is
 * kept per (generation, keyword) and extended with just the cells appended since: the headers are read
 * every time, so the cache never serves a stale answer. Lists shorter than {@link #CACHE_MIN}
 * are not kept; the cache is dropped when it would hold more than {@link #CACHE_MAX} entries.
 */
final class IndexReader {
    static final int CACHE_MIN = 64;
    static final long CACHE_MAX = 2_000_000;
    private static final int KEYS_PER_MGET = 10_000;

    /** A folded list: per value its deciding version and whether it is present. */
    private record Folded(long count, Map<String, long[]> fold, NavigableSet<String> live) {
    }

    private final RedisPool pool;
    private final RedisKeys keys;
    private final ObjectCodec codec;
    private final Generation generation;
    private final ConcurrentHashMap<String, Folded> cache = new ConcurrentHashMap<>();
    private final AtomicLong cached = new AtomicLong();

    IndexReader(RedisPool pool, RedisKeys keys, ObjectCodec codec, Generation generation) {
        this.pool = pool;
        this.keys = keys;
        this.codec = codec;
        this.generation = generation;
    }

    /** How many entries (adds and deletes) each keyword's list holds: one MGET of headers. */
    Map<String, Long> counts(Collection<String> keywords) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Generation.View v = generation.current();
            List<String> ks = new ArrayList<>(keywords);
            List<String> headerKeys = ks.stream().map(k -> keys.header(v.label(), k)).toList();
            List<Object> headers = mget(v, List.of(headerKeys));
            if (headers != null) {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (int i = 0; i < ks.size(); i++) {
                    counts.put(ks.get(i), Cells.openHeader(codec, headerKeys.get(i), (byte[]) headers.get(i)));
                }
                return counts;
            }
            generation.refresh();
        }
        throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
    }

    /** Keyword to its live values (sorted), read from one generation. */
    Map<String, NavigableSet<String>> search(Collection<String> keywords) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Map<String, NavigableSet<String>> found = searchIn(generation.current(), new ArrayList<>(keywords));
            if (found != null) {
                return found;
            }
            generation.refresh();
        }
        throw new StoreUnavailableException("the findex label keeps changing; retry later", null);
    }

    private Map<String, NavigableSet<String>> searchIn(Generation.View v, List<String> keywords) {
        List<String> headerKeys = keywords.stream().map(k -> keys.header(v.label(), k)).toList();
        List<Object> headers = mget(v, List.of(headerKeys));
        if (headers == null) {
            return null;
        }
        List<Folded> start = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<String> cellKeys = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < keywords.size(); i++) {
            long n = Cells.openHeader(codec, headerKeys.get(i), (byte[]) headers.get(i));
            Folded known = cache.get(v.cacheTag() + keywords.get(i));
            Folded base = known != null && known.count() <= n ? known : new Folded(0, Map.of(), Collections.emptyNavigableSet());
            start.add(base);
            counts.add(n);
            for (long c = base.count() + 1; c <= n; c++) {
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
        for (int i = 0; i < keywords.size(); i++) {
            folds.add(start.get(i).count() == counts.get(i) ? null : new HashMap<>(start.get(i).fold()));
        }
        for (int i = 0; i < cellKeys.size(); i++) {
            if (cells.get(i) == null) {
                throw Cells.damaged(null);
            }
            fold(folds.get(owner.get(i)), Cells.openEntry(codec, cellKeys.get(i), (byte[]) cells.get(i)));
        }
        Map<String, NavigableSet<String>> result = new HashMap<>();
        for (int i = 0; i < keywords.size(); i++) {
            Folded f = folds.get(i) == null ? start.get(i) : folded(counts.get(i), folds.get(i));
            if (f.count() >= CACHE_MIN && f != start.get(i)) {
                remember(v.cacheTag() + keywords.get(i), f);
            }
            result.put(keywords.get(i), f.live());
        }
        return result;
    }

    private static void fold(Map<String, long[]> fold, Findex.Entry e) {
        long[] state = fold.get(e.value());
        if (state == null || e.version() >= state[0]) {
            fold.put(e.value(), new long[] {e.version(), e.add() ? 1 : 0});
        }
    }

    private static Folded folded(long count, Map<String, long[]> fold) {
        TreeSet<String> live = new TreeSet<>();
        fold.forEach((value, state) -> {
            if (state[1] == 1) {
                live.add(value);
            }
        });
        return new Folded(count, Collections.unmodifiableMap(fold), Collections.unmodifiableNavigableSet(live));
    }

    private void remember(String key, Folded f) {
        Folded old = cache.put(key, f);
        if (cached.addAndGet(f.fold().size() - (old == null ? 0 : old.fold().size())) > CACHE_MAX) {
            cache.clear();
            cached.set(0);
        }
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
            for (Object r : pool.pipeline(cmds.subList(from, Math.min(cmds.size(), from + 10)))) {
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
}
