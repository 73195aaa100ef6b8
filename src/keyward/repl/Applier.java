package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import keyward.log.Log;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.Replica;
import keyward.store.ReplicaTx;

/**
 * Applies a batch of remote changes in one transaction: skips what the vector already covers,
 * merges each object with the local document ({@link Merge}), writes the result, appends the
 * change under its original id and origin (so third nodes get it from here) and moves the vector.
 * A key name taken on two nodes at once stays with the earlier key; the later one gets a suffix.
 * Thread-safe if each batch comes from one consumer at a time per store.
 */
final class Applier {

    private final Hlc hlc;
    private final Capture capture;
    private final Clock clock;
    private final Status status;

    Applier(Hlc hlc, Capture capture, Clock clock, Status status) {
        this.hlc = hlc;
        this.capture = capture;
        this.clock = clock;
        this.status = status;
    }

    /** Returns how many changes were new. A malformed change refuses the whole batch. */
    int apply(Replica replica, List<ChangeRow> batch) {
        for (ChangeRow row : batch) {
            check(row);
        }
        synchronized (this) {
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
                        case Docs.KEY -> key(tx, row, now);
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
    }

    private static void check(ChangeRow row) {
        if (!Hlc.CHANGE_ID.matcher(row.changeId()).matches() || !row.changeId().endsWith("." + row.origin())) {
            throw new ProtocolException("change id or origin malformed");
        }
        if (!List.of(Docs.KEY, Docs.USER, Docs.TOKEN).contains(row.kind())) {
            throw new ProtocolException("change kind unknown");
        }
    }

    private void key(ReplicaTx tx, ChangeRow row, Instant now) {
        KeyDoc remote = Docs.key(row.payload());
        if (!remote.key().id().equals(row.objectId())) {
            throw new ProtocolException("key document does not match its change");
        }
        Optional<KeyDoc> local = tx.doc(Docs.KEY, row.objectId()).map(Docs::key);
        KeyDoc merged = Merge.merge(local.orElse(remote), remote);
        String name = merged.key().name();
        Optional<String> holder = name == null ? Optional.empty() : tx.keyIdByName(name);
        if (holder.isPresent() && !holder.get().equals(merged.key().id())) {
            KeyDoc other = tx.doc(Docs.KEY, holder.get()).map(Docs::key).orElse(null);
            boolean incomingLater = other == null || laterThan(merged, other);
            if (incomingLater) {
                merged = renamed(tx, merged);
                status.conflict(name, merged.key().id(), merged.key().name());
            } else {
                KeyRecord loser = tx.key(holder.get()).orElseThrow();
                KeyRecord.Builder b = loser.toBuilder();
                b.name = freeName(tx, name, loser.id());
                KeyRecord renamedLoser = b.build();
                tx.putKey(renamedLoser);
                capture.keyWritten(tx, renamedLoser);
                status.conflict(name, loser.id(), renamedLoser.name());
            }
        }
        tx.putKey(merged.key());
        tx.putDoc(Docs.KEY, row.objectId(), Docs.key(merged), false, now);
    }

    private static boolean laterThan(KeyDoc a, KeyDoc b) {
        int c = a.created().compareTo(b.created());
        return c != 0 ? c > 0 : a.key().id().compareTo(b.key().id()) > 0;
    }

    private static KeyDoc renamed(ReplicaTx tx, KeyDoc d) {
        KeyRecord.Builder b = d.key().toBuilder();
        b.name = freeName(tx, d.key().name(), d.key().id());
        return new KeyDoc(b.build(), d.fields(), d.state(), d.created(), d.grants(), d.versions());
    }

    /** {@code name-<first id characters>}, longer until free; within the 128-character name rule. */
    static String freeName(ReplicaTx tx, String name, String id) {
        String hex = id.replace("-", "");
        for (int n = 8; ; n += 4) {
            String suffix = "-" + hex.substring(0, Math.min(n, hex.length()));
            String base = name.length() + suffix.length() > 128 ? name.substring(0, 128 - suffix.length()) : name;
            String candidate = base + suffix;
            Optional<String> holder = tx.keyIdByName(candidate);
            if (holder.isEmpty() || holder.get().equals(id) || n >= hex.length()) {
                if (holder.isPresent() && !holder.get().equals(id)) {
                    Log.warn("replication: no free name for key " + id + "; keeping " + candidate);
                }
                return candidate;
            }
        }
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
