package keyward.store.sql;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The replication side of one {@link SqlStore}: the changelog, the version vector, merged writes
 * and the full replacement of a refresh. The store holds no merge policy: callers pass it in as
 * functions over a {@link ReplicaTx}, which run inside one write transaction each.
 *
 * <p>Thread-safe. Failures are the store's exceptions ({@link keyward.store.StoreUnavailableException}
 * and so on); a transaction that fails is rolled back whole.
 */
public final class SqlReplica {

    /** Most changes one {@link #changesAfter} call returns. */
    public static final int MAX_CHANGES = 10_000;

    private final SqlStore store;
    private final Jdbc db;

    SqlReplica(SqlStore store, Jdbc db) {
        this.store = store;
        this.db = db;
    }

    /** Installs the capture: from now on every key, user and token write appends its change in its own transaction. */
    public void enableChangeCapture(ChangeCapture capture) {
        store.capture(capture);
    }

    /** Runs {@code work} in one write transaction; it commits if {@code work} returns. */
    public <T> T write(String op, Function<ReplicaTx, T> work) {
        return db.write(op, c -> {
            try {
                return work.apply(store.tx(c));
            } catch (SqlReplicaTx.Failed e) {
                throw e.sql();
            }
        });
    }

    /** Runs {@code work} in one read transaction (one snapshot); it must only read. */
    public <T> T read(String op, Function<ReplicaTx, T> work) {
        return db.read(op, c -> {
            try {
                return work.apply(store.tx(c));
            } catch (SqlReplicaTx.Failed e) {
                throw e.sql();
            }
        });
    }

    /** Changes not covered by {@code vector}, in change-id order; see {@link Changelog#after}. */
    public List<ChangeRow> changesAfter(Map<String, String> vector, int limit, long maxBytes) {
        if (limit < 1 || limit > MAX_CHANGES) {
            throw new IllegalArgumentException("changes limit must be 1.." + MAX_CHANGES);
        }
        return db.read("changesAfter", c -> Changelog.after(c, db, vector, limit, maxBytes));
    }

    /** Origin to the highest change id applied here. */
    public Map<String, String> vector() {
        return db.read("replicationVector", c -> Changelog.vector(c, db, "change_id"));
    }

    /** Origin to the highest change id trimmed from the changelog (absent: nothing trimmed). */
    public Map<String, String> trimmed() {
        return db.read("replicationTrimmed", c -> Changelog.vector(c, db, "trimmed"));
    }

    /** Deletes changes and tombstones older than {@code before}; returns how many changes went. */
    public int trim(Instant before) {
        return db.write("trimChangelog", c -> Changelog.trim(c, db, before.toEpochMilli()));
    }

    /**
     * In one transaction: deletes every key, user, token, document and change, sets the vector to
     * {@code vector} (all of it marked trimmed), then runs {@code fill} to write the copy.
     */
    public <T> T replaceAll(Map<String, String> vector, Function<ReplicaTx, T> fill) {
        return db.write("replaceAll", c -> {
            Changelog.wipe(c, db, vector);
            try {
                return fill.apply(store.tx(c));
            } catch (SqlReplicaTx.Failed e) {
                throw e.sql();
            }
        });
    }
}
