package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.ReplicaTx;

/**
 * Applies a batch of remote changes in one transaction: skips what the vector already covers,
 * merges each object with the local document ({@link Merge}), writes the result, appends the
 * change under its original id and origin (so third nodes get it from here) and moves the vector.
 * A key name taken on two nodes at once is settled by {@link NameClaims}.
 * Thread-safe if each batch comes from one consumer at a time per store.
 */
final class Applier {

    private final Hlc hlc;
    private final Capture capture;
    private final Clock clock;
    private final Status status;

    private final java.util.function.Consumer<String> keyChanged;

    Applier(Hlc hlc, Capture capture, Clock clock, Status status) {
        this(hlc, capture, clock, status, id -> { });
    }

    /** {@code keyChanged} hears, after the commit, of every key a batch changed (to drop it from caches). */
    Applier(Hlc hlc, Capture capture, Clock clock, Status status, java.util.function.Consumer<String> keyChanged) {
        this.hlc = hlc;
        this.capture = capture;
        this.clock = clock;
        this.status = status;
        this.keyChanged = keyChanged;
    }

    /**
     * Returns how many changes were new. A malformed change refuses the whole batch. After the
     * commit, waiting consumers of this node are woken and {@code keyChanged} hears of each key.
     */
    int apply(Replica replica, List<ChangeRow> batch) {
        for (ChangeRow row : batch) {
            check(row);
        }
        int applied;
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        synchronized (this) {
            applied = applyNow(replica, batch, keys);
        }
        if (applied > 0) {
            capture.signal.changed();
            keys.forEach(keyChanged);
        }
        return applied;
    }

    /** Applies what is new in {@code batch}; {@code keys} gets every key written (the batch's and renamed holders). */
    private int applyNow(Replica replica, List<ChangeRow> batch, java.util.Set<String> keys) {
        return replica.write("applyChanges", tx -> {
            capture.beforeWrite(tx); // serializes with local writes, so a merge never overwrites one unseen
            Map<String, String> vector = tx.vector();
            int applied = 0;
            Instant now = clock.instant();
            for (ChangeRow row : batch) {
                String seen = vector.get(row.origin());
                if (seen != null && row.changeId().compareTo(seen) <= 0) {
                    continue;
                }
                hlc.observe(row.changeId());
                switch (row.kind()) {
                    case Docs.KEY -> key(tx, row, now, keys);
                    case Docs.USER -> user(tx, row, now);
                    default -> token(tx, row, now);
                }
                tx.append(row.changeId(), row.origin(), row.kind(), row.objectId(), row.payload(), now);
                vector.put(row.origin(), row.changeId());
                applied++;
            }
            return applied;
        });
    }

    private static void check(ChangeRow row) {
        if (!Hlc.CHANGE_ID.matcher(row.changeId()).matches() || !row.changeId().endsWith("." + row.origin())) {
            throw new ProtocolException("change id or origin malformed");
        }
        if (!List.of(Docs.KEY, Docs.USER, Docs.TOKEN).contains(row.kind())) {
            throw new ProtocolException("change kind unknown");
        }
    }

    private void key(ReplicaTx tx, ChangeRow row, Instant now, java.util.Set<String> keys) {
        KeyDoc remote = Docs.key(row.payload());
        if (!remote.key().id().equals(row.objectId())) {
            throw new ProtocolException("key document does not match its change");
        }
        Optional<KeyDoc> local = tx.doc(Docs.KEY, row.objectId()).map(Docs::key);
        KeyDoc merged = new NameClaims(tx, capture, status, keys::add).settle(Merge.merge(local.orElse(remote), remote));
        keys.add(row.objectId());
        tx.putKey(merged.key());
        tx.putDoc(Docs.KEY, row.objectId(), Docs.key(merged), false, now);
    }

    private static void user(ReplicaTx tx, ChangeRow row, Instant now) {
        Docs.UserDoc remote = Docs.user(row.payload());
        if (!remote.name().equals(row.objectId())) {
            throw new ProtocolException("user document does not match its change");
        }
        Optional<Docs.UserDoc> local = tx.doc(Docs.USER, remote.name()).map(Docs::user);
        if (local.isPresent() && local.get().stamp().compareTo(remote.stamp()) >= 0) {
            return;
        }
        if (remote.user() != null) {
            tx.putUser(remote.user());
        } else {
            tx.removeUser(remote.name());
        }
        tx.putDoc(Docs.USER, remote.name(), row.payload(), remote.user() == null, now);
    }

    private static void token(ReplicaTx tx, ChangeRow row, Instant now) {
        Docs.TokenDoc remote = Docs.token(row.payload());
        if (!remote.objectId().equals(row.objectId())) {
            throw new ProtocolException("token document does not match its change");
        }
        Optional<Docs.TokenDoc> local = tx.doc(Docs.TOKEN, remote.objectId()).map(Docs::token);
        if (local.isPresent() && local.get().stamp().compareTo(remote.stamp()) >= 0) {
            return;
        }
        if (remote.token() != null) {
            tx.putToken(remote.token());
        } else {
            tx.removeToken(remote.user(), remote.id());
        }
        tx.putDoc(Docs.TOKEN, remote.objectId(), row.payload(), remote.token() == null, now);
    }
}
