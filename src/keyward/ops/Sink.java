package keyward.ops;

import java.util.List;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.KeyRecord;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * Where a walk over a deployment goes: a backup stream, another store, or nowhere (counting).
 * Calls come in the order metadata, users, tokens, keys, audit batches, checkpoints, then
 * {@link #finish}, so that a store can insert each record after the ones it refers to.
 */
interface Sink {
    /** Takes nothing: a walk that only counts. */
    Sink NONE = new Sink() {
    };

    default void meta(String name, byte[] value) {
    }

    default void user(UserRecord user) {
    }

    default void token(TokenRecord token) {
    }

    default void key(KeyRecord key) {
    }

    /** Entries in ascending position order; {@code position} is not kept. */
    default void audit(List<AuditRecord> batch) {
    }

    default void checkpoint(AuditCheckpoint checkpoint) {
    }

    /** The walk is over: a sink that buffers writes what it still holds. */
    default void finish() {
    }
}
