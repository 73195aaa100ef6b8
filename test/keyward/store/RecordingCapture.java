package keyward.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ChangeCapture} for the conformance suite: each reported object becomes one change row
 * whose payload describes the object ({@link #describe}), under change ids taken one at a time
 * under the origin's vector lock, as replication takes them. It can be told to fail once, to show
 * that a failing capture takes its write down with it.
 */
final class RecordingCapture implements ChangeCapture {

    static final String ORIGIN = "00000000-0000-4000-8000-00000000c0de";
    static final String GONE = "gone";

    private final AtomicBoolean failNext = new AtomicBoolean();

    /** The next report throws (once). */
    void failNextReport() {
        failNext.set(true);
    }

    @Override
    public void beforeWrite(ReplicaTx tx) {
        tx.lockOrigin(ORIGIN);
    }

    @Override
    public void keyWritten(ReplicaTx tx, KeyRecord after) {
        record(tx, "key", after.id(), describe(after));
    }

    @Override
    public void userWritten(ReplicaTx tx, String name, UserRecord after) {
        record(tx, "user", name, after == null ? GONE : describe(after));
    }

    @Override
    public void tokenWritten(ReplicaTx tx, String user, String tokenId, TokenRecord after) {
        record(tx, "token", user + "/" + tokenId, after == null ? GONE : describe(after));
    }

    private void record(ReplicaTx tx, String kind, String objectId, String description) {
        if (failNext.getAndSet(false)) {
            throw new IllegalStateException("capture failed on purpose");
        }
        String last = tx.lockOrigin(ORIGIN);
        long n = last.equals("0") ? 1 : Long.parseLong(last.substring(0, 16), 16) + 1;
        String changeId = "%016x.%s".formatted(n, ORIGIN);
        tx.append(changeId, ORIGIN, kind, objectId, description.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    static String describe(KeyRecord k) {
        Map<String, Object> grants = new TreeMap<>();
        k.grants().forEach((user, ops) -> grants.put(user, new TreeSet<>(ops)));
        return "key row " + k.rowVersion() + " name " + k.name() + " state " + k.state() + " versions "
                + k.versions().size() + " grants " + grants;
    }

    static String describe(UserRecord u) {
        return "user admin " + u.admin() + " created " + u.createdAt();
    }

    static String describe(TokenRecord t) {
        return "token hash " + HexFormat.of().formatHex(t.hash()) + " expires " + t.expiresAt();
    }

    /** Kind and object id to the description of everything {@code tx} sees stored. */
    static Map<String, String> stored(ReplicaTx tx) {
        Map<String, String> out = new TreeMap<>();
        for (String id : tx.keyIds()) {
            tx.key(id).ifPresent(k -> out.put("key " + id, describe(k)));
        }
        for (UserRecord u : tx.users()) {
            out.put("user " + u.name(), describe(u));
        }
        for (TokenRecord t : tx.tokens()) {
            out.put("token " + t.user() + "/" + t.id(), describe(t));
        }
        return out;
    }
}
