package keyward.store.sql;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import keyward.store.ChangeCapture;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.ReplicaTx;

/** The {@link Replica} of one {@link SqlStore}: its changelog tables, on its connections. Thread-safe. */
final class SqlReplica implements Replica {

    private final SqlStore store;
    private final Jdbc db;

    SqlReplica(SqlStore store, Jdbc db) {
        this.store = store;
        this.db = db;
    }

    @Override
    public void refreshStatistics() {
        store.refreshStatistics();
    }

    @Override
    public void enableChangeCapture(ChangeCapture capture) {
        store.capture(capture);
    }

    @Override
    public <T> T write(String op, Function<ReplicaTx, T> work) {
        return db.write(op, c -> SqlReplicaTx.run(store.tx(c), work));
    }

    @Override
    public <T> T read(String op, Function<ReplicaTx, T> work) {
        return db.read(op, c -> SqlReplicaTx.run(store.tx(c), work));
    }

    /** See {@link Changelog#after}. */
    @Override
    public List<ChangeRow> changesAfter(Map<String, String> vector, int limit, long maxBytes) {
        if (limit < 1 || limit > MAX_CHANGES) {
            throw new IllegalArgumentException("changes limit must be 1.." + MAX_CHANGES);
        }
        return db.read("changesAfter", c -> Changelog.after(c, db, vector, limit, maxBytes));
    }

    @Override
    public Map<String, String> vector() {
        return db.read("replicationVector", c -> Changelog.vector(c, db, "change_id"));
    }

    @Override
    public Map<String, String> trimmed() {
        return db.read("replicationTrimmed", c -> Changelog.vector(c, db, "trimmed"));
    }

    @Override
    public int trim(Instant before) {
        return db.write("trimChangelog", c -> Changelog.trim(c, db, before.toEpochMilli()));
    }

    @Override
    public <T> T replaceAll(Map<String, String> vector, Function<ReplicaTx, T> fill) {
        int[] runs = {0};
        return db.write("replaceAll", c -> {
            if (++runs[0] > 1) {
                throw new keyward.store.StoreException("the database rolled back the replacement of this node's data"
                        + " (a conflict with another transaction); it starts over on the next refresh");
            }
            Changelog.wipe(c, db, vector);
            return SqlReplicaTx.run(store.tx(c), fill);
        });
    }
}
