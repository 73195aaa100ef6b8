package keyward.repl;

import java.util.Optional;
import keyward.log.Log;
import keyward.store.KeyRecord;
import keyward.store.ReplicaTx;

/**
 * A key name claimed by two keys made on different nodes at once. The outcome is a pure function
 * of the two keys, so every node reaches the same names whatever order the changes come in:
 * <ul>
 *   <li>the key created first (by its creating change id, then by key id) keeps the name;</li>
 *   <li>the other is renamed {@code <name>-<last 12 hex digits of its id>}: the random part of
 *       its UUIDv7 (48 bits), not the time part that keys made within a minute share.</li>
 * </ul>
 * A suffixed name that is itself taken is settled by the same rule, a few levels deep at most.
 * Not thread-safe: runs inside one apply transaction.
 */
final class NameClaims {

    static final int MAX_NAME = 128;
    private static final int SUFFIX_HEX = 12;
    private static final int MAX_DEPTH = 4;

    private final ReplicaTx tx;
    private final Capture capture;
    private final Status status;
    private final java.util.function.Consumer<String> renamedHolder;
    private final java.util.function.Function<String, Optional<String>> holderOf;
    private final Runnable beforeClash;

    /** {@code renamedHolder} hears of each key renamed here to free a name (besides the incoming one). */
    NameClaims(ReplicaTx tx, Capture capture, Status status, java.util.function.Consumer<String> renamedHolder) {
        this(tx, capture, status, renamedHolder, tx::keyIdByName, () -> { });
    }

    /**
     * For a caller that holds writes back ({@link Applier}): {@code holderOf} finds the key holding
     * a name, those held back included; {@code beforeClash} runs before a clash is settled, which
     * reads and writes the holder directly, so that everything held back is written by then.
     */
    NameClaims(ReplicaTx tx, Capture capture, Status status, java.util.function.Consumer<String> renamedHolder,
               java.util.function.Function<String, Optional<String>> holderOf, Runnable beforeClash) {
        this.tx = tx;
        this.capture = capture;
        this.status = status;
        this.renamedHolder = renamedHolder;
        this.holderOf = holderOf;
        this.beforeClash = beforeClash;
    }

    /** The name a key loses to: {@code name-<last 12 hex of id>}, the name shortened to stay within 128 characters. */
    static String loserName(String name, String keyId) {
        String hex = keyId.replace("-", "");
        String suffix = "-" + hex.substring(Math.max(0, hex.length() - SUFFIX_HEX));
        String base = name.length() + suffix.length() > MAX_NAME ? name.substring(0, MAX_NAME - suffix.length()) : name;
        return base + suffix;
    }

    /** True if {@code a} keeps a name that {@code b} claims too: created first, then the smaller id. */
    static boolean keepsName(KeyDoc a, KeyDoc b) {
        int c = a.created().compareTo(b.created());
        return c != 0 ? c < 0 : a.key().id().compareTo(b.key().id()) < 0;
    }

    /**
     * {@code incoming} as it may be stored: with a suffixed name if it loses its name to the key
     * holding it; if that key loses instead, it is renamed here (a local change, replicated like
     * any other) so that the name is free.
     */
    KeyDoc settle(KeyDoc incoming) {
        return settle(incoming, 0);
    }

    private KeyDoc settle(KeyDoc doc, int depth) {
        String name = doc.key().name();
        Optional<String> holder = name == null ? Optional.empty() : holderOf.apply(name);
        if (holder.isEmpty() || holder.get().equals(doc.key().id())) {
            return doc;
        }
        beforeClash.run();
        KeyDoc other = tx.doc(Docs.KEY, holder.get()).map(Docs::key).orElse(null);
        if (depth >= MAX_DEPTH) {
            String last = name + "-" + doc.key().id().replace("-", "");
            Log.warn("replication: key names around '" + name + "' keep clashing; key " + doc.key().id() + " is named '"
                    + last + "'");
            return withName(doc, last.length() > MAX_NAME ? last.substring(last.length() - MAX_NAME) : last);
        }
        if (other == null || !keepsName(doc, other)) {
            KeyDoc renamed = withName(doc, loserName(name, doc.key().id()));
            status.conflict(name, holder.get(), doc.key().id(), renamed.key().name());
            return settle(renamed, depth + 1);
        }
        KeyDoc moved = settle(withName(other, loserName(name, other.key().id())), depth + 1);
        KeyRecord.Builder b = tx.key(holder.get()).orElseThrow().toBuilder();
        b.name = moved.key().name();
        KeyRecord renamed = b.build();
        tx.putKey(renamed);
        capture.keyWritten(tx, renamed);
        renamedHolder.accept(renamed.id());
        status.conflict(name, doc.key().id(), renamed.id(), renamed.name());
        return doc;
    }

    private static KeyDoc withName(KeyDoc d, String name) {
        KeyRecord.Builder b = d.key().toBuilder();
        b.name = name;
        return new KeyDoc(b.build(), d.fields(), d.state(), d.created(), d.grants(), d.versions());
    }
}
