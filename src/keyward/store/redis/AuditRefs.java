package keyward.store.redis;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import keyward.store.AuditIndex;

/**
 * The encrypted index lists that audit listings by key and by user read (keywords
 * {@code audit-key:} and {@code audit-user:}, one position per entry), for the audit verifier:
 * someone who deletes or rewrites their headers or cells hides entries from those listings while
 * every chain stays intact. Every entry is indexed (the index is written before the entry, in the
 * same append), so {@link #indexedThrough} is unbounded. Each keyword's list is read on first use
 * and read again once when a position is missing from it, since it may have been read before that
 * entry was stored. Memory grows with the entries of the keywords asked about. Thread-safe.
 */
final class AuditRefs implements AuditIndex {

    private final Findex findex;
    private final Map<String, NavigableSet<String>> lists = new ConcurrentHashMap<>();

    AuditRefs(Findex findex) {
        this.findex = findex;
    }

    @Override
    public long indexedThrough(String node) {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean finds(String kind, String ref, long position) {
        String keyword = kind.equals("key") ? Keywords.auditKey(ref) : Keywords.auditUser(ref);
        String value = Long.toString(position);
        if (lists.computeIfAbsent(keyword, this::read).contains(value)) {
            return true;
        }
        NavigableSet<String> again = read(keyword);
        lists.put(keyword, again);
        return again.contains(value);
    }

    @Override
    public String name() {
        return "the encrypted index in Redis";
    }

    private NavigableSet<String> read(String keyword) {
        return findex.search(List.of(keyword)).get(keyword);
    }
}
