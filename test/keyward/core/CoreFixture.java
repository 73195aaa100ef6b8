package keyward.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import keyward.ManualClock;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.crypto.Pepper;
import keyward.store.Store;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.function.Executable;

/** A Core on a real SQLite store in a temp dir, with a clock the test moves. Close it after the test. */
final class CoreFixture implements AutoCloseable {
    static final Principal ALICE = new Principal("alice", false);
    static final Principal BOB = new Principal("bob", false);
    static final Principal ADMIN = new Principal("root", true);

    final ManualClock clock = new ManualClock();
    final Store store;
    final Core core;

    CoreFixture(Path dir) {
        this(dir, Settings.defaults("test"));
    }

    CoreFixture(Path dir, Settings settings) {
        store = SqlStore.open(SqlOptions.sqlite(dir.resolve("keyward.db")));
        store.open();
        core = new Core(store, KekRing.of(Kek.generate()), Pepper.generate(), settings, clock);
        for (Principal p : List.of(ALICE, BOB, ADMIN)) {
            core.users().createUserUnchecked(p.user(), p.admin());
        }
    }

    KeyService keys() {
        return core.keys();
    }

    CryptoService crypto() {
        return core.crypto();
    }

    /** A new key of alice's. */
    String create(String name, String algorithm) {
        return keys().create(ALICE, new KeyRequests.Create(name, algorithm, null, null, false, 0)).id();
    }

    /** The error code of the KwException {@code e} throws (and fails the test if it throws none). */
    static ErrorCode codeOf(Executable e) {
        return assertThrows(KwException.class, e).code();
    }

    /** A patch that changes nothing. */
    static KeyRequests.Patch patch() {
        return new KeyRequests.Patch(null, null, null, null, null, null);
    }

    @Override
    public void close() {
        core.jobs().close();
        store.close();
    }
}
