package keyward.store;

/**
 * Called by a store inside the transaction of every key, user and token write once replication
 * has enabled it ({@link Replica#enableChangeCapture}), so that the changelog row is committed
 * with the write or not at all. Implementations decide what to record; a failure rolls the write
 * back. Called concurrently from several writers (each with its own transaction).
 *
 * <p>A write that changes several objects reports each of them: deleting a user reports every
 * key whose grants it lost, every token it had and, if it existed, the user. A write that changes
 * nothing reports nothing (deleting a token that is not there).
 */
public interface ChangeCapture {

    /**
     * Called first in every captured write transaction, before the write itself: lets the capture
     * take its locks in one order for every writer (no deadlock between local writes and applies).
     */
    void beforeWrite(ReplicaTx tx);

    /** A key was inserted or updated; {@code after} is what is now stored. */
    void keyWritten(ReplicaTx tx, KeyRecord after);

    /** A user was created ({@code after} set) or deleted ({@code after} null). */
    void userWritten(ReplicaTx tx, String name, UserRecord after);

    /** A token was created ({@code after} set) or deleted ({@code after} null). */
    void tokenWritten(ReplicaTx tx, String user, String tokenId, TokenRecord after);

    /**
     * Called after a captured write transaction committed (not after one rolled back), outside
     * it: lets replication wake consumers waiting for changes. Must return quickly.
     */
    default void committed() {
    }
}
