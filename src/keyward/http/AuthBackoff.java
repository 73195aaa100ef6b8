package keyward.http;

import java.util.LinkedHashMap;
import java.util.Map;
import keyward.time.Clock;

/**
 * A bounded backoff on failed authentication, per remote address.
 *
 * <p>Failures are counted in a sliding window; when an address reaches {@code maxFailures} within
 * {@code windowNanos}, it is blocked for {@code baseBlockNanos}, doubling with every further block
 * up to {@code maxBlockNanos}. The strike count is forgotten after the address has been quiet for
 * a window plus the longest block. Blocks are per address only, so failures from one address can
 * never lock out a user calling from another one.
 *
 * <p>The table holds at most {@code maxAddresses} entries; the address seen least recently is
 * evicted first, so a flood of addresses costs bounded memory (and at worst forgets an old
 * attacker, who then starts again from zero). While an address is blocked, {@link #mayLookUp}
 * allows it one credential lookup per 100 ms, so valid callers sharing the address (behind a
 * proxy not in {@code trusted_proxies}) still get through, while a flood of bad credentials from
 * it costs the store at most 10 lookups a second. Thread-safe: one lock around a small map, taken
 * for a lookup on each authenticated request and for an update on each failure.
 */
final class AuthBackoff {
    /** While blocked, one credential lookup per 100 ms per address. */
    private static final long LOOKUP_INTERVAL_NANOS = 100_000_000L;

    private final int maxFailures;
    private final long windowNanos;
    private final long baseBlockNanos;
    private final long maxBlockNanos;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> table;

    /** The failures of one address: a ring of the last {@code maxFailures} times, and its blocks. */
    private static final class Entry {
        final long[] times;
        int next;
        int count;
        int strikes;
        long blockedUntil;
        long lastFailure;
        long nextLookup;

        Entry(int size, long now) {
            times = new long[size];
            blockedUntil = now;  // nanoTime may be negative: never compare against 0
            lastFailure = now;
            nextLookup = now;
        }
    }

    /** 20 failures in 60 s block for 1 s, then 2, 4, ... up to 60 s; at most 10,000 addresses. */
    static AuthBackoff defaults(Clock clock) {
        return new AuthBackoff(20, 60_000, 1_000, 60_000, 10_000, clock);
    }

    /**
     * @param maxFailures  failures within the window that start a block (at least 1)
     * @param windowMillis length of the sliding window
     * @param baseBlockMillis first block; each further one doubles, up to {@code maxBlockMillis}
     * @param maxAddresses entries kept at most
     * @param clock        its monotonic {@link Clock#nanos()} times windows and blocks
     */
    AuthBackoff(int maxFailures, long windowMillis, long baseBlockMillis, long maxBlockMillis, int maxAddresses,
                Clock clock) {
        if (maxFailures < 1 || windowMillis < 1 || baseBlockMillis < 1 || maxBlockMillis < baseBlockMillis
                || maxAddresses < 1) {
            throw new IllegalArgumentException("backoff limits must be positive, base block <= max block");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = windowMillis * 1_000_000L;
        this.baseBlockNanos = baseBlockMillis * 1_000_000L;
        this.maxBlockNanos = maxBlockMillis * 1_000_000L;
        this.clock = clock;
        this.table = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    /** Milliseconds the address is still blocked for, or 0 when it may try. */
    synchronized long blockedMillis(String address) {
        Entry e = table.get(address);
        if (e == null) {
            return 0;
        }
        long left = e.blockedUntil - clock.nanos();
        return left > 0 ? Math.max(1, left / 1_000_000L) : 0;
    }

    /**
     * Whether a credential lookup may be made for this address now: always when it is not
     * blocked; while it is, once per lookup interval (the call spends that allowance).
     */
    synchronized boolean mayLookUp(String address) {
        Entry e = table.get(address);
        long now = clock.nanos();
        if (e == null || e.blockedUntil - now <= 0) {
            return true;
        }
        if (now - e.nextLookup < 0) {
            return false;
        }
        e.nextLookup = now + LOOKUP_INTERVAL_NANOS;
        return true;
    }

    /** Records one failure; returns the block in milliseconds it started, or 0. */
    synchronized long failure(String address) {
        long now = clock.nanos();
        Entry e = table.get(address);
        if (e == null) {
            e = new Entry(maxFailures, now);
            table.put(address, e);
        } else if (now - e.lastFailure > windowNanos + maxBlockNanos && now - e.blockedUntil > 0) {
            e.strikes = 0;
        }
        e.lastFailure = now;
        if (now - e.blockedUntil < 0) {
            return 0;  // already blocked: a failure that slipped in concurrently does not extend it
        }
        e.times[e.next] = now;
        e.next = (e.next + 1) % maxFailures;
        e.count = Math.min(e.count + 1, maxFailures);
        // The oldest of the last maxFailures failures is the one the ring is about to overwrite.
        long oldest = e.times[e.next];
        if (e.count < maxFailures || now - oldest > windowNanos) {
            return 0;
        }
        long block = baseBlockNanos;
        for (int i = 0; i < e.strikes && block < maxBlockNanos; i++) {
            block *= 2;
        }
        block = Math.min(block, maxBlockNanos);
        e.strikes = Math.min(e.strikes + 1, 64);
        e.blockedUntil = now + block;
        e.count = 0;
        return block / 1_000_000L;
    }

    int maxFailures() {
        return maxFailures;
    }

    /** Entries held, for tests of the bound. */
    synchronized int size() {
        return table.size();
    }
}
