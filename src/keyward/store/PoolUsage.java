package keyward.store;

/**
 * A live view of one connection pool of a store, for metrics: read at each scrape, never cached.
 * Implementations are thread-safe; the counts are a snapshot that may be stale by the time they
 * are read.
 */
public interface PoolUsage {
    /** The pool's label value: the database kind, e.g. "postgresql", "sqlite-writer", "redis". */
    String name();

    /** Connections the pool may lend at most. */
    int size();

    /** Connections lent out now. */
    int inUse();

    /** Threads waiting for a connection now. */
    int waiting();
}
