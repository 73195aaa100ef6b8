package keyward.repl;

import java.time.Clock;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Change ids from a hybrid logical clock: 16 hex digits of (wall-clock milliseconds &lt;&lt; 16 |
 * counter), a dot, then the node uuid. Fixed width, so string order is change order, and the
 * node uuid breaks ties between nodes.
 *
 * <pre>
 *   0000018f3a2b4c5d0003.1b4e28ba-2fa1-11d2-883f-0016d3cca427
 *   └─ ms (48 bits) + counter (16) ┘ └────────── node ──────────┘
 * </pre>
 *
 * Ids from one clock strictly increase, even if the wall clock steps back: the clock then runs
 * on its counter. {@link #observe} moves it past every change id seen, so a change made after
 * seeing another sorts after it. Thread-safe.
 */
final class Hlc {

    static final Pattern CHANGE_ID = Pattern.compile("[0-9a-f]{16}\\.[0-9a-f-]{36}");

    /**
     * True if {@code s} matches {@link #CHANGE_ID}, checked by hand: every change applied is checked
     * twice, and the pattern's matcher was a twelfth of a catch-up's time.
     */
    static boolean isChangeId(String s) {
        if (s == null || s.length() != 53 || s.charAt(16) != '.') {
            return false;
        }
        for (int i = 0; i < 53; i++) {
            char c = s.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (i != 16 && !hex && !(i > 16 && c == '-')) {
                return false;
            }
        }
        return true;
    }

    private final Clock clock;
    private final String node;
    private long last;

    Hlc(Clock clock, String node, Collection<String> seen) {
        this.clock = clock;
        this.node = node;
        for (String id : seen) {
            observe(id);
        }
    }

    String node() {
        return node;
    }

    synchronized String next() {
        long physical = clock.millis() << 16;
        last = Math.max(physical, last + 1);
        return String.format("%016x.%s", last, node);
    }

    /** Moves the clock past {@code changeId}; ids that are not change ids are ignored. */
    synchronized void observe(String changeId) {
        if (isChangeId(changeId)) {
            last = Math.max(last, Long.parseUnsignedLong(changeId.substring(0, 16), 16));
        }
    }

    /** The wall-clock milliseconds of a change id, for lag. */
    static long millis(String changeId) {
        return Long.parseUnsignedLong(changeId.substring(0, 16), 16) >>> 16;
    }
}
