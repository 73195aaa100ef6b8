package keyward.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import keyward.log.Log;
import keyward.store.KeyRecord;
import keyward.store.Replica;
import keyward.store.ReplicaTx;
import keyward.store.Store;

/**
 * A full refresh: streams every document of a supplier, page by page, into one transaction that
 * first empties this node's keys, users, tokens and replication state; then adopts the supplier's
 * domain. The copy replaces the local data whole or not at all: a failure or a stop mid-way rolls
 * the transaction back and the next refresh starts over. One page is held in memory at a time,
 * whatever the size of the copy; its keys and documents are written in batches. Progress lines
 * (count and rate) are logged every few seconds.
 */
final class Refresher {

    /** Documents asked for per page: the most a supplier gives. */
    static final int PAGE = Protocol.MAX_DOCS;
    /** Pages asked for on one connection: well under the supplier's limits of requests and of age per connection. */
    static final int PAGES_PER_CONNECTION = 200;

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
        try (Pages pages = new Pages(from)) {
            Map<String, Object> first = pages.next();
            Map<String, String> vector = Protocol.vector(first, "vector");
            String domain = Fields.str(first, "domain");
            Rate rate = new Rate("replication: refreshing from " + from.url(), "object");
            Instant now = clock.instant();
            int copied;
            try {
                copied = replica.replaceAll(vector, tx -> { // runs once: the pages read are consumed
                    int n = 0;
                    for (List<ReplicaTx.DocRow> docs = pages.docs(first); !docs.isEmpty(); docs = pages.docs(pages.nextUnchecked())) {
                        pages.askAhead(); // the supplier reads and sends the next page while this one is written
                        materialize(tx, docs, now);
                        n += docs.size();
                        rate.step(n);
                    }
                    return n;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            store.putMeta(Replicator.DOMAIN, domain.getBytes(StandardCharsets.UTF_8));
            vector.values().forEach(hlc::observe);
            refreshStatistics(replica::refreshStatistics);
            Log.warn("replication: refreshed from " + from.url() + ": " + rate.done(copied) + ", domain " + domain);
            return copied;
        }
    }

    /** {@link keyward.store.Replica#refreshStatistics()}; a failure only slows the next queries, so it is logged, not thrown. */
    static void refreshStatistics(Runnable refresh) {
        try {
            refresh.run();
        } catch (RuntimeException e) {
            Log.warn("replication: the database's planner statistics could not be refreshed after a bulk copy ("
                    + e.getMessage() + "); queries may be slow until the database refreshes them itself");
        }
    }

    /** The snapshot pages of one refresh, in order, over as many connections as the supplier needs. */
    private final class Pages implements AutoCloseable {
        private final Target from;
        private Link link;
        private int requests;
        private String kind = "";
        private String id = "";
        private Map<String, Object> asked; // a request sent and not yet answered, or null

        Pages(Target from) {
            this.from = from;
        }

        private Map<String, Object> request() {
            Map<String, Object> req = Protocol.message("op", "snapshot");
            req.put("after_kind", kind);
            req.put("after_id", id);
            req.put("limit", (long) PAGE);
            req.put("max_bytes", Protocol.MAX_BATCH_BYTES);
            return req;
        }

        /**
         * Sends the request for the page after the current position now, without waiting for it
         * ({@link #next} reads it). A failure here is left for {@link #next}, which asks again.
         */
        void askAhead() {
            if (asked != null) {
                return;
            }
            Map<String, Object> req = request();
            try {
                if (link == null || requests == PAGES_PER_CONNECTION) {
                    reopen();
                }
                requests++;
                link.send(req);
                asked = req;
            } catch (IOException e) {
                close(); // next() opens a new connection and asks again
            }
        }

        Map<String, Object> next() throws IOException {
            Map<String, Object> req = asked;
            boolean sent = req != null;
            asked = null;
            if (!sent) {
                req = request();
                if (link == null || requests == PAGES_PER_CONNECTION) {
                    reopen();
                }
            }
            Map<String, Object> page;
            try {
                if (sent) {
                    page = link.receive();
                } else {
                    requests++;
                    page = link.call(req);
                }
            } catch (IOException e) {
                if (requests == 1) {
                    throw e;
                }
                // the supplier closes a connection left idle past its timeout, as while a slow
                // database here writes the last page: ask again, from the same position, on a new one
                Log.debug("replication: snapshot connection to " + from.url() + " ended, reopening: " + e.getMessage());
                reopen();
                requests++;
                page = link.call(req);
            }
            if (!Protocol.SNAPSHOT.equals(Fields.str(page, "answer"))) {
                throw new ProtocolException("expected a snapshot page");
            }
            return page;
        }

        /** {@link #next} inside the refresh transaction, where only unchecked exceptions pass. */
        Map<String, Object> nextUnchecked() {
            try {
                return next();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The page's documents, checked; moves the position past them. Empty: the copy is complete. */
        List<ReplicaTx.DocRow> docs(Map<String, Object> page) {
            List<Object> rows = Fields.list(page, "docs");
            if (rows.size() > PAGE) {
                throw new ProtocolException("snapshot page over " + PAGE + " documents");
            }
            List<ReplicaTx.DocRow> out = new ArrayList<>(rows.size());
            for (Object o : rows) {
                Map<String, Object> m = Fields.object(o, "document");
                byte[] doc = Fields.bytesOrNull(m, "doc");
                String k = Fields.str(m, "kind");
                String i = Fields.str(m, "object");
                if (doc == null || !List.of(Docs.KEY, Docs.USER, Docs.TOKEN).contains(k)) {
                    throw new ProtocolException("snapshot document malformed");
                }
                kind = k;
                id = i;
                out.add(new ReplicaTx.DocRow(k, i, doc));
            }
            return out;
        }

        private void reopen() throws IOException {
            close();
            link = Link.open(from, from.tls(identity), timeoutMs);
            requests = 0;
        }

        @Override
        public void close() {
            if (link != null) {
                link.close();
                link = null;
            }
        }
    }

    /** Writes one page: its keys and documents in batches, users and tokens one by one (they are few). */
    private static void materialize(ReplicaTx tx, List<ReplicaTx.DocRow> docs, Instant now) {
        List<KeyRecord> keys = new ArrayList<>();
        List<ReplicaTx.DocWrite> writes = new ArrayList<>();
        for (ReplicaTx.DocRow d : docs) {
            switch (d.kind()) {
                case Docs.KEY -> {
                    KeyDoc k = Docs.key(d.doc());
                    if (!k.key().id().equals(d.objectId())) {
                        throw new ProtocolException("snapshot key document does not match its id");
                    }
                    keys.add(k.key());
                    writes.add(new ReplicaTx.DocWrite(Docs.KEY, d.objectId(), d.doc(), false));
                }
                case Docs.USER -> {
                    Docs.UserDoc u = Docs.user(d.doc());
                    if (u.user() != null) {
                        tx.putUser(u.user());
                    }
                    writes.add(new ReplicaTx.DocWrite(Docs.USER, u.name(), d.doc(), u.user() == null));
                }
                default -> {
                    Docs.TokenDoc t = Docs.token(d.doc());
                    if (t.token() != null) {
                        tx.putToken(t.token());
                    }
                    writes.add(new ReplicaTx.DocWrite(Docs.TOKEN, t.objectId(), d.doc(), t.token() == null));
                }
            }
        }
        tx.insertKeys(keys);
        tx.putDocs(writes, now);
    }
}
