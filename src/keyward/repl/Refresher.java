package keyward.repl;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import keyward.log.Log;
import keyward.store.Replica;
import keyward.store.ReplicaTx;
import keyward.store.Store;

/**
 * A full refresh: reads every document of a supplier page by page, then in one transaction
 * replaces this node's keys, users, tokens and replication state with the copy and adopts the
 * supplier's domain. The copy is held in memory, bounded by {@link #MAX_BYTES}.
 */
final class Refresher {

    static final long MAX_BYTES = 512L << 20;
    private static final int PAGE = 200;

    private final Replica replica;
    private final Store store;
    private final Supplier<Identity> identity;
    private final Hlc hlc;
    private final Clock clock;
    private final int timeoutMs;

    Refresher(Replica replica, Store store, Supplier<Identity> identity, Hlc hlc, Clock clock, int timeoutMs) {
        this.replica = replica;
        this.store = store;
        this.identity = identity;
        this.hlc = hlc;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    /** Replaces the local data with the supplier's; returns how many documents were copied. */
    synchronized int refresh(Target from) throws IOException {
        Log.warn("replication: replacing this node's data with a full copy from " + from.url());
        List<ReplicaTx.DocRow> docs = new ArrayList<>();
        Map<String, String> vector = null;
        String domain = null;
        long bytes = 0;
        try (Link link = Link.open(from, from.tls(identity), timeoutMs)) {
            String kind = "";
            String id = "";
            while (true) {
                Map<String, Object> req = Protocol.message("op", "snapshot");
                req.put("after_kind", kind);
                req.put("after_id", id);
                req.put("limit", (long) PAGE);
                Map<String, Object> page = link.call(req);
                if (!Protocol.SNAPSHOT.equals(Fields.str(page, "answer"))) {
                    throw new ProtocolException("expected a snapshot page");
                }
                if (vector == null) {
                    vector = Protocol.vector(page, "vector");
                    domain = Fields.str(page, "domain");
                }
                List<Object> rows = Fields.list(page, "docs");
                if (rows.size() > PAGE) {
                    throw new ProtocolException("snapshot page over " + PAGE + " documents");
                }
                for (Object o : rows) {
                    Map<String, Object> m = Fields.object(o, "document");
                    byte[] doc = Fields.bytesOrNull(m, "doc");
                    kind = Fields.str(m, "kind");
                    id = Fields.str(m, "object");
                    if (doc == null || !List.of(Docs.KEY, Docs.USER, Docs.TOKEN).contains(kind)) {
                        throw new ProtocolException("snapshot document malformed");
                    }
                    bytes += doc.length;
                    if (bytes > MAX_BYTES) {
                        throw new ProtocolException("snapshot over " + MAX_BYTES + " bytes");
                    }
                    docs.add(new ReplicaTx.DocRow(kind, id, doc));
                }
                if (rows.size() < PAGE) {
                    break;
                }
            }
        }
        Instant now = clock.instant();
        replica.replaceAll(vector, tx -> {
            for (ReplicaTx.DocRow d : docs) {
                materialize(tx, d, now);
            }
            return null;
        });
        store.putMeta(Replicator.DOMAIN, domain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        vector.values().forEach(hlc::observe);
        Log.warn("replication: refreshed from " + from.url() + ": " + docs.size() + " objects, domain " + domain);
        return docs.size();
    }

    private static void materialize(ReplicaTx tx, ReplicaTx.DocRow d, Instant now) {
        switch (d.kind()) {
            case Docs.KEY -> {
                KeyDoc k = Docs.key(d.doc());
                tx.putKey(k.key());
                tx.putDoc(Docs.KEY, k.key().id(), d.doc(), false, now);
            }
            case Docs.USER -> {
                Docs.UserDoc u = Docs.user(d.doc());
                if (u.user() != null) {
                    tx.putUser(u.user());
                }
                tx.putDoc(Docs.USER, u.name(), d.doc(), u.user() == null, now);
            }
            default -> {
                Docs.TokenDoc t = Docs.token(d.doc());
                if (t.token() != null) {
                    tx.putToken(t.token());
                }
                tx.putDoc(Docs.TOKEN, t.objectId(), d.doc(), t.token() == null, now);
            }
        }
    }
}
