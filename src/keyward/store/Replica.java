package keyward.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The replication side of a store ({@link Store#replica()}): the changelog, the version vector,
 * merged writes and the full replacement of a refresh. The store holds no merge policy: callers
 * pass it in as functions over a {@link ReplicaTx}, which run inside one transaction each.
 *
 * <p>Thread-safe. Failures are the store's exceptions ({@link StoreUnavailableException} and so
 * on); a transaction that fails is rolled back whole.
 */
public interface Replica {

    /** Most changes one {@link #changesAfter} call returns. */
    int MAX_CHANGES = 10_000;

    /**
     * Installs the capture: from now on every key, user and token write of the store calls it
     * inside its own transaction (see {@link ChangeCapture}).
     */
    void enableChangeCapture(ChangeCapture capture);

    /** Runs {@code work} in one write transaction; it commits if {@code work} returns. */
    <T> T write(String op, Function<ReplicaTx, T> work);

    /** Runs {@code work} in one read transaction (one snapshot); it must only read. */
    <T> T read(String op, Function<ReplicaTx, T> work);

    /**
     * Changes not covered by {@code vector} (origin to the highest change id already seen), in
     * change-id order: at most {@code limit} (1..{@link #MAX_CHANGES}) and, past the first, no
     * more than {@code maxBytes} of payload.
     */
    List<ChangeRow> changesAfter(Map<String, String> vector, int limit, long maxBytes);

    /** Origin to the highest change id applied here. */
    Map<String, String> vector();

    /**
     * {@link Store#refreshStatistics()} of the store behind: a consumer far behind calls it as its
     * tables grow, so the database plans the batch reads for their real sizes.
     */
    default void refreshStatistics() {
    }

    /** Origin to the highest change id trimmed from the changelog (absent: nothing trimmed). */
    Map<String, String> trimmed();

    /** Deletes changes and tombstones older than {@code before}; returns how many changes went. */
    int trim(Instant before);

    /**
     * In one transaction: deletes every key, user, token, document and change, sets the vector to
     * {@code vector} (all of it marked trimmed), then runs {@code fill} to write the copy.
     * {@code fill} runs once: it may consume a stream. If the database rolls the transaction back
     * to run it again (it lost to another transaction), this fails instead, and the copy starts over.
     */
    <T> T replaceAll(Map<String, String> vector, Function<ReplicaTx, T> fill);
}
