package keyward.store.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;

/**
 * Locate and the job queries, through the index. Every candidate the index yields is fetched,
 * decrypted and checked against every filter again, so a stale or forged-by-crash entry never
 * returns a key that does not match. Thread-safe.
 */
final class KeyLocator {
    private static final int MAX_BATCH = 1000;

    private final Findex findex;
    private final SealedObjects objects;

    KeyLocator(Findex findex, SealedObjects objects) {
        this.findex = findex;
        this.objects = objects;
    }

    KeyPage locate(KeyQuery q) {
        List<String> all = new ArrayList<>();
        q.tags().forEach(t -> all.add(Keywords.tag(t)));
        if (q.name() != null) {
            all.add(Keywords.name(q.name()));
        }
        if (q.algorithm() != null) {
            all.add(Keywords.algorithm(q.algorithm()));
        }
        if (q.state() != null) {
            all.add(Keywords.state(q.state()));
        }
        if (q.owner() != null) {
            all.add(Keywords.owner(q.owner()));
        }
        List<String> any = q.visibleTo() == null ? List.of()
                : List.of(Keywords.owner(q.visibleTo()), Keywords.grant(q.visibleTo()), Keywords.grant("*"));
        NavigableSet<String> candidates = candidates(all, any);
        if (q.after() != null) {
            candidates = candidates.tailSet(q.after(), false);
        }
        List<KeyRecord> hits = fetchMatching(candidates, q.limit() + 1, k -> matches(q, k));
        if (hits.size() > q.limit()) {
            List<KeyRecord> page = hits.subList(0, q.limit());
            return new KeyPage(page, page.get(page.size() - 1).id());
        }
        return new KeyPage(hits, null);
    }

    /** Most overdue first (then by id). */
    List<String> dueForDestruction(Instant now, int limit) {
        NavigableSet<String> c = candidates(List.of(Keywords.state(KeyState.PENDING_DESTRUCTION)), List.of());
        return firstDue(fetchMatching(c, Integer.MAX_VALUE, k -> k.state() == KeyState.PENDING_DESTRUCTION
                && k.destroyAt() != null && !k.destroyAt().isAfter(now)), KeyRecord::destroyAt, limit);
    }

    /** Longest overdue first (then by id). */
    List<String> dueForRotation(Instant now, int limit) {
        NavigableSet<String> c = candidates(List.of(Keywords.state(KeyState.ACTIVE), Keywords.AUTO_ROTATE), List.of());
        return firstDue(fetchMatching(c, Integer.MAX_VALUE, k -> k.state() == KeyState.ACTIVE && k.autoRotatePeriod() > 0
                && k.rotatedAt() != null && !rotationDue(k).isAfter(now)), KeyLocator::rotationDue, limit);
    }

    private static Instant rotationDue(KeyRecord k) {
        return k.rotatedAt().plusSeconds(k.autoRotatePeriod());
    }

    private static List<String> firstDue(List<KeyRecord> due, Function<KeyRecord, Instant> when, int limit) {
        return due.stream().sorted(Comparator.comparing(when).thenComparing(KeyRecord::id)).limit(limit)
                .map(KeyRecord::id).toList();
    }

    /**
     * Candidate ids for keys in every list of {@code all} and (if given) in one of {@code any};
     * "type:key" if neither. Only the cheapest source is read: the shortest list of {@code all},
     * or the union of {@code any} if that is shorter. Every other filter is left to the re-check
     * against the decrypted key, which callers always do.
     */
    NavigableSet<String> candidates(List<String> all, List<String> any) {
        List<String> must = all.isEmpty() && any.isEmpty() ? List.of(Keywords.KEYS) : all;
        Set<String> keywords = new TreeSet<>(must);
        keywords.addAll(any);
        Map<String, Long> counts = findex.counts(keywords);
        String shortest = must.stream().min(Comparator.comparing(counts::get)).orElse(null);
        long union = any.stream().mapToLong(counts::get).sum();
        List<String> read = shortest == null || (!any.isEmpty() && union < counts.get(shortest)) ? any : List.of(shortest);
        Map<String, NavigableSet<String>> found = findex.search(read);
        if (read.size() == 1) {
            return found.get(read.get(0));
        }
        NavigableSet<String> result = new TreeSet<>();
        read.forEach(k -> result.addAll(found.get(k)));
        return result;
    }

    /** Up to {@code limit} keys, ascending by id, that exist and pass {@code check}. */
    List<KeyRecord> fetchMatching(NavigableSet<String> ids, int limit, Predicate<KeyRecord> check) {
        List<KeyRecord> hits = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String id : ids) {
            batch.add(id);
            if (batch.size() == Math.min(MAX_BATCH, Math.max(limit - hits.size(), 16))) {
                collect(batch, limit, check, hits);
                batch.clear();
                if (hits.size() >= limit) {
                    return hits;
                }
            }
        }
        collect(batch, limit, check, hits);
        return hits;
    }

    private void collect(List<String> ids, int limit, Predicate<KeyRecord> check, List<KeyRecord> hits) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> names = ids.stream().map(id -> objects.keys().object("key", id)).toList();
        List<byte[]> plains = objects.plains(names);
        for (int i = 0; i < ids.size() && hits.size() < limit; i++) {
            if (plains.get(i) != null) {
                KeyRecord k = Records.key(plains.get(i));
                if (k.id().equals(ids.get(i)) && check.test(k)) {
                    hits.add(k);
                }
            }
        }
    }

    static boolean matches(KeyQuery q, KeyRecord k) {
        return k.tags().containsAll(q.tags())
                && (q.name() == null || q.name().equals(k.name()))
                && (q.algorithm() == null || q.algorithm().equals(k.algorithm()))
                && (q.state() == null || q.state() == k.state())
                && (q.owner() == null || q.owner().equals(k.owner()))
                && (q.visibleTo() == null || q.visibleTo().equals(k.owner()) || k.grants().containsKey(q.visibleTo())
                        || k.grants().containsKey("*"));
    }
}
