package keyward.repl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which (subject, cause) pairs were already logged, so that a failure repeated on
 * every attempt is logged once, not per attempt. Bounded: the oldest pairs are forgotten past
 * {@link #MAX}. Thread-safe.
 */
final class OnceLog {

    static final int MAX = 256;

    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX;
        }
    };

    /** True the first time {@code key} is seen (until forgotten or {@link #clear}ed). */
    synchronized boolean first(String key) {
        return seen.put(key, Boolean.TRUE) == null;
    }

    /** Forgets everything: the next failure is logged again (after a success, say). */
    synchronized void clear() {
        seen.clear();
    }
}
