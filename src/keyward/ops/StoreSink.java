package keyward.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;
import keyward.store.KeyRecord;
import keyward.store.Store;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * Writes a deployment into a target store, exactly as read: keys keep their ids, row versions,
 * versions (material still KEK-wrapped) and grants; audit entries keep their node, seq and hashes
 * (the target assigns new positions in the same order).
 *
 * <p>Into an empty store every record is inserted. With {@code force} the target may already hold
 * data: a user or token that is already there is kept (a user whose admin flag differs is
 * replaced), a key that is already there is replaced by the copied one (its row version then moves
 * on by one; one that already equals the copy is kept), audit entries already present are skipped, and nothing else is deleted.
 *
 * <p>Keys are written in chunks of {@link Store#MAX_BULK_KEYS} ({@link Store#insertKeys}), so a
 * copy holds at most one chunk in memory whatever its size. With {@code force}, a chunk the
 * target refuses (some of its keys are there) is written key by key as described above.
 */
final class StoreSink implements Sink {
    private final Store to;
    private final boolean force;
    private final Progress progress;
    private final List<KeyRecord> chunk = new ArrayList<>();
    private long keys;
    private long audit;

    StoreSink(Store to, boolean force, Progress progress) {
        this.to = to;
        this.force = force;
        this.progress = progress;
    }

    @Override
    public void meta(String name, byte[] value) {
        to.putMeta(name, value);
    }

    @Override
    public void user(UserRecord user) {
        if (force) {
            Optional<UserRecord> there = to.findUser(user.name());
            if (there.isPresent() && there.get().admin() == user.admin()) {
                return;
            }
            there.ifPresent(u -> to.deleteUser(u.name()));
        }
        to.insertUser(user);
    }

    @Override
    public void token(TokenRecord token) {
        if (force && to.findTokenByHash(token.hash()).isPresent()) {
            return;
        }
        to.insertToken(token);
    }

    @Override
    public void key(KeyRecord key) {
        chunk.add(key);
        if (chunk.size() == Store.MAX_BULK_KEYS) {
            flushKeys();
        }
    }

    @Override
    public void finish() {
        flushKeys();
    }

    private void flushKeys() {
        if (chunk.isEmpty()) {
            return;
        }
        try {
            to.insertKeys(chunk);
        } catch (ConflictException e) {
            if (!force) {
                throw new OpsException("a key cannot be written to the target: " + e.getMessage()
                        + "; is the target really empty?");
            }
            chunk.forEach(this::replace);
        }
        keys += chunk.size();
        chunk.clear();
        progress.step("key", keys);
    }

    /** With force: inserts the key, or replaces the target's copy unless it already equals it. */
    private void replace(KeyRecord key) {
        try {
            Optional<KeyRecord> there = to.findKey(key.id());
            if (there.isEmpty()) {
                to.insertKey(key);
            } else if (!there.get().equals(key)) {
                KeyRecord.Builder b = key.toBuilder();
                b.rowVersion = there.get().rowVersion();
                to.updateKey(b.build());
            }
        } catch (ConflictException e) {
            throw new OpsException("key " + key.id() + " cannot be written to the target: " + e.getMessage());
        }
    }

    @Override
    public void audit(List<AuditRecord> batch) {
        flushKeys();
        List<AuditRecord> fresh = batch.stream().map(StoreSink::unplaced).toList();
        try {
            to.appendAudit(fresh);
        } catch (ConflictException e) {
            if (!force) {
                throw new OpsException("audit entries cannot be written to the target: " + e.getMessage());
            }
            for (AuditRecord a : fresh) {
                try {
                    to.appendAudit(List.of(a));
                } catch (ConflictException alreadyThere) {
                    // force: the target already holds this (node, seq); keep its copy
                }
            }
        }
        audit += batch.size();
        progress.step("audit entry", audit);
    }

    @Override
    public void checkpoint(AuditCheckpoint checkpoint) {
        flushKeys();
        to.putCheckpoint(checkpoint);
    }

    private static AuditRecord unplaced(AuditRecord a) {
        return new AuditRecord(0, a.node(), a.seq(), a.time(), a.user(), a.operation(), a.keyRef(), a.outcome(),
                a.remote(), a.prevHash(), a.hash());
    }

    /**
     * After a bulk load: {@link Store#refreshStatistics()}, so that the verification and the first
     * requests are planned for the tables' real sizes. A failure is said, not thrown: it only slows
     * queries until the database refreshes its statistics itself.
     */
    static void refreshStatistics(Store to, Progress progress) {
        progress.say("refreshing the database's planner statistics");
        try {
            to.refreshStatistics();
        } catch (RuntimeException e) {
            progress.say("could not refresh the planner statistics (" + e.getMessage() + "); queries may be slow"
                    + " until the database refreshes them itself");
        }
    }
}
