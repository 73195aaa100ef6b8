package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
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
        return apply(replica, batch, () -> null);
    }

    /**
     * As {@link #apply(Replica, List)} for {@code first} and then each batch {@code next} gives,
     * until it gives null, all in one transaction: a consumer far behind commits once for several
     * batches. {@code next} is called inside the transaction, at most once per batch and never again
     * after null: if the database rolls the transaction back to run it again (a deadlock), the
     * batches already given are applied again from the first.
     */
    int apply(Replica replica, List<ChangeRow> first, Supplier<List<ChangeRow>> next) {
        for (ChangeRow row : first) {
            check(row);
        }
        int applied;
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        List<List<ChangeRow>> batches = new ArrayList<>(List.of(first));
        boolean[] ended = {false};
        synchronized (this) {
            applied = replica.write("applyChanges", tx -> {
                capture.beforeWrite(tx); // serializes with local writes, so a merge never overwrites one unseen
                int n = 0;
                for (int i = 0; ; i++) {
                    if (i == batches.size()) {
                        List<ChangeRow> more = ended[0] ? null : next.get();
                        if (more == null) {
                            ended[0] = true;
                            return n;
                        }
                        more.forEach(Applier::check);
                        batches.add(more);
                    }
                    n += applyNow(tx, batches.get(i), keys);
                }
            });
        }
        if (applied > 0) {
            capture.signal.changed();
            keys.forEach(keyChanged);
        }
        return applied;
    }

    /** Applies what is new in {@code batch}; {@code keys} gets every key written (the batch's and renamed holders). */
    private int applyNow(ReplicaTx tx, List<ChangeRow> batch, java.util.Set<String> keys) {
        Map<String, String> vector = tx.vector();
        List<ChangeRow> fresh = new ArrayList<>();
        for (ChangeRow row : batch) {
            String seen = vector.get(row.origin());
            if (seen == null || row.changeId().compareTo(seen) > 0) {
                fresh.add(row);
                vector.put(row.origin(), row.changeId());
            }
        }
        Instant now = clock.instant();
        Batch b = new Batch(tx, now, keys, fresh);
        for (ChangeRow row : fresh) {
            hlc.observe(row.changeId());
            switch (row.kind()) {
                case Docs.KEY -> b.key(row);
                case Docs.USER -> user(tx, row, now);
                default -> token(tx, row, now);
            }
            b.changes.add(row);
        }
        b.flush();
        tx.appendAll(b.changes, now);
        return fresh.size();
    }

    /**
     * The key writes of one batch, held back and written a few statements for all: documents are
     * read for the whole batch at once; new keys, documents and changelog rows are written in
     * batches at the end. A key stored already is updated at once (its row version is read), and
     * a clash over a name first writes everything held back, since settling it reads the holder.
     */
    private final class Batch {
        private final ReplicaTx tx;
        private final Instant now;
        private final java.util.Set<String> keys;
        /** Documents as this batch left them (null: none); a key not in here is read from the store. */
        private final Map<String, byte[]> docs = new HashMap<>();
        private final java.util.Set<String> stored;
        private final Map<String, KeyRecord> newKeys = new LinkedHashMap<>();
        private final java.util.Set<String> newNames = new HashSet<>();
        private final List<ReplicaTx.DocWrite> docWrites = new ArrayList<>();
        final List<ChangeRow> changes = new ArrayList<>();
        /** The incoming key documents, parsed once. */
        private final Map<ChangeRow, KeyDoc> incoming = new java.util.IdentityHashMap<>();
        /**
         * The holders of the incoming names as stored when the batch began, read in one query: good
         * answers for a name until this batch writes a key of that name or changes a stored key.
         */
        private final Map<String, String> holders;
        private final java.util.Set<String> asked = new HashSet<>();
        private final java.util.Set<String> namesWritten = new HashSet<>();
        private boolean storedKeysChanged;

        Batch(ReplicaTx tx, Instant now, java.util.Set<String> keys, List<ChangeRow> fresh) {
            this.tx = tx;
            this.now = now;
            this.keys = keys;
            List<String> ids = new ArrayList<>();
            for (ChangeRow r : fresh) {
                if (r.kind().equals(Docs.KEY)) {
                    KeyDoc d = Docs.key(r.payload());
                    incoming.put(r, d);
                    ids.add(r.objectId());
                    if (d.key().name() != null) {
                        asked.add(d.key().name());
                    }
                }
            }
            Map<String, byte[]> found = ids.isEmpty() ? Map.of() : tx.docs(Docs.KEY, ids);
            for (String id : ids) {
                docs.put(id, found.get(id));
            }
            this.stored = ids.isEmpty() ? new HashSet<>() : new HashSet<>(tx.keysPresent(ids));
            this.holders = asked.isEmpty() ? Map.of() : tx.keyIdsByName(asked);
        }

        void key(ChangeRow row) {
            KeyDoc remote = incoming.get(row);
            if (!remote.key().id().equals(row.objectId())) {
                throw new ProtocolException("key document does not match its change");
            }
            String id = row.objectId();
            byte[] before = docs.containsKey(id) ? docs.get(id) : tx.doc(Docs.KEY, id).orElse(null);
            KeyDoc local = before == null ? remote : Docs.key(before);
            NameClaims claims = new NameClaims(tx, capture, status, this::holderRenamed, this::holderOf, this::flush);
            KeyDoc merged = claims.settle(Merge.merge(local, remote));
            keys.add(id);
            if (stored.contains(id)) {
                storedKeysChanged = true; // a renamed stored key frees a name the holders read at the start still show taken
                tx.putKey(merged.key());
            } else if (newKeys.containsKey(id)) {
                flush();
                storedKeysChanged = true;
                tx.putKey(merged.key());
            } else {
                newKeys.put(id, merged.key());
                if (merged.key().name() != null) {
                    newNames.add(merged.key().name());
                    namesWritten.add(merged.key().name());
                }
            }
            // a key new here, taken as it came, is stored as the bytes it came in: no second serialization
            byte[] doc = before == null && merged.equals(remote) ? row.payload() : Docs.key(merged);
            docs.put(id, doc);
            docWrites.add(new ReplicaTx.DocWrite(Docs.KEY, id, doc, false));
        }

        private Optional<String> holderOf(String name) {
            if (newNames.contains(name)) {
                flush();
            }
            if (!storedKeysChanged && asked.contains(name) && !namesWritten.contains(name)) {
                return Optional.ofNullable(holders.get(name));
            }
            return tx.keyIdByName(name);
        }

        /** A key renamed to free a name was written directly, document and all: read it from the store from now on. */
        private void holderRenamed(String id) {
            storedKeysChanged = true;
            keys.add(id);
            docs.remove(id);
        }

        /** Writes the new keys and documents held back. */
        void flush() {
            tx.insertKeys(List.copyOf(newKeys.values()));
            stored.addAll(newKeys.keySet());
            newKeys.clear();
            newNames.clear();
            tx.putDocs(docWrites, now);
            docWrites.clear();
        }
    }

    private static void check(ChangeRow row) {
        if (!Hlc.isChangeId(row.changeId()) || !row.changeId().endsWith("." + row.origin())) {
            throw new ProtocolException("change id or origin malformed");
        }
        if (!List.of(Docs.KEY, Docs.USER, Docs.TOKEN).contains(row.kind())) {
            throw new ProtocolException("change kind unknown");
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
