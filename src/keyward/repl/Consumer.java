package keyward.repl;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import keyward.audit.PartnerHeads;
import keyward.log.Log;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.StoreException;

/**
 * Pulls from one supplier on its own thread. A session opens one connection, asks for changes
 * after this node's vector until told "nothing new" (a backlog drains at once), then long-polls:
 * each further pull asks the supplier to hold it until it has something ({@code wait_ms}), so a
 * change arrives as soon as it is committed there. An idle link answers every wait. A supplier that
 * does not hold pulls, and any failure, fall back to one session per poll interval.
 * Failures are logged once per cause until the next success. The status it writes is read by the API.
 * The first pull of each session, and one a minute after, also asks for the supplier's audit heads
 * ({@link PartnerHeads}).
 */
final class Consumer implements Runnable {

    /** Changes asked for per pull: the most a supplier gives (it also stops at 8 MiB of payload). */
    private static final int BATCH = Protocol.MAX_CHANGES;
    /** A session that ends after answering for at least this long is reopened at once. */
    private static final long REOPEN_AFTER_MS = 1000;
    /**
     * A backlog's first refresh of the database's statistics, after this many changes (two
     * batches); then at each doubling. Until then PostgreSQL plans the batch's reads for the empty
     * tables it last counted and scans them whole: on 100,000 changes those reads took 12 to 96 ms
     * per batch, growing, until the first refresh at 20,000, and 5 ms after it.
     */
    private static final long ANALYZE_FIRST = 4_000;
    /**
     * Batches applied in one transaction while far behind: each commit costs a flush, and on SQLite
     * rewrites into its log every page the batch touched. A transaction takes no further batch after
     * {@link #GROUP_MS}: local writes wait for it.
     */
    static final int GROUP_BATCHES = 5;
    static final long GROUP_MS = 1000;
    /** How often a session asks the supplier for its audit heads, besides its first pull. */
    private static final long ASK_HEADS_EVERY_MS = 60_000;

    private final Target target;
    private final SSLContext tls;
    private final Replica replica;
    private final Supplier<String> domain;
    private final Applier applier;
    private final Refresher refresher;
    private final Status.Partner status;
    private final Replicator.Options options;
    private final OnceLog failures = new OnceLog();
    private final java.util.function.Consumer<String> supplierNode;
    private final PartnerHeads auditHeads; // null: not exchanged
    private final Clock clock;
    private long askedAt; // clock millis of the last pull that asked for the supplier's audit heads
    private volatile boolean stopped;
    private volatile Link link;
    private boolean failing;

    Consumer(Target target, Supplier<Identity> identity, Replica replica, Supplier<String> domain, Applier applier,
             Refresher refresher, Status.Partner status, Replicator.Options options,
             java.util.function.Consumer<String> supplierNode) {
        this(target, identity, replica, domain, applier, refresher, status, options, supplierNode, null, Clock.systemUTC());
    }

    /** As above; {@code auditHeads} records the supplier's audit heads, asked for once a minute (null: never). */
    Consumer(Target target, Supplier<Identity> identity, Replica replica, Supplier<String> domain, Applier applier,
             Refresher refresher, Status.Partner status, Replicator.Options options,
             java.util.function.Consumer<String> supplierNode, PartnerHeads auditHeads, Clock clock) {
        this.auditHeads = auditHeads;
        this.clock = clock;
        this.supplierNode = supplierNode;
        this.target = target;
        this.tls = target.tls(identity);
        this.replica = replica;
        this.domain = domain;
        this.applier = applier;
        this.refresher = refresher;
        this.status = status;
        this.options = options;
    }

    @Override
    public void run() {
        while (!stopped) {
            if (!session() && !stopped) {
                try {
                    Thread.sleep(options.pollMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Ends the thread's loop: closes the open connection, if any. */
    void stop() {
        stopped = true;
        Link l = link;
        if (l != null) {
            l.close();
        }
    }

    /** One connection's pulls; returns true if the next session should start at once. */
    private boolean session() {
        long started = System.nanoTime();
        boolean answered = false;
        try (Link l = Link.open(target, tls, options.timeoutMillis())) {
            link = l;
            boolean caughtUp = false;
            boolean refreshed = false;
            boolean firstPull = true;
            Rate backlog = null;
            long applied = 0;
            long analyzeAt = ANALYZE_FIRST; // changes of this backlog after which the database's statistics are refreshed
            Ahead ahead = new Ahead(l);
            while (!stopped) {
                boolean waiting = caughtUp && options.waitMillis() > 0;
                Map<String, String> vector;
                boolean askHeads;
                Map<String, Object> answer;
                if (ahead.sent != null) {
                    vector = ahead.sent;
                    askHeads = false;
                    answer = ahead.receive();
                } else {
                    vector = replica.vector();
                    askHeads = auditHeads != null && (firstPull || clock.millis() - askedAt >= ASK_HEADS_EVERY_MS);
                    Map<String, Object> req = pull(vector, waiting);
                    if (askHeads) {
                        req.put("audit_heads", AuditHeadsWire.field(auditHeads.recorded()));
                        askedAt = clock.millis();
                    }
                    firstPull = false;
                    answer = l.call(req);
                }
                answered = true;
                if (answer.get("node") instanceof String n && n.length() == 36) {
                    supplierNode.accept(n);
                }
                if (askHeads && answer.containsKey("audit")) {
                    auditHeads.received(target.url(), AuditHeadsWire.reports(answer));
                }
                String kind = Fields.str(answer, "answer");
                switch (kind) {
                    case Protocol.NOTHING_NEW -> {
                        if (backlog != null && backlog.told()) {
                            Log.info("replication: caught up with " + target.url() + ": " + backlog.done(applied));
                        }
                        backlog = null;
                        status.upToDate();
                        succeeded();
                        if (options.waitMillis() <= 0 || (waiting && !Boolean.TRUE.equals(answer.get("waited")))) {
                            return false; // plain polling, or a supplier that does not hold pulls
                        }
                        caughtUp = true;
                    }
                    case Protocol.CHANGES -> {
                        List<ChangeRow> rows = ahead.changes(answer, vector);
                        if (backlog == null) {
                            backlog = new Rate("replication: catching up with " + target.url(), "change");
                            applied = 0;
                            analyzeAt = ANALYZE_FIRST;
                        }
                        // while the supplier has more (its answers full), the next batches join this
                        // transaction as they arrive, up to GROUP_BATCHES and GROUP_MS
                        // (not before the first statistics refresh: until then the reads are planned for empty tables)
                        long begun = clock.millis();
                        int most = applied < ANALYZE_FIRST ? 1 : GROUP_BATCHES;
                        try {
                            applier.apply(replica, rows, () -> ahead.batches < most
                                    && clock.millis() - begun < GROUP_MS ? ahead.nextChanges() : null);
                        } catch (java.io.UncheckedIOException e) {
                            throw e.getCause();
                        }
                        applied += ahead.changes;
                        List<ChangeRow> last = ahead.last;
                        if (applied >= analyzeAt) {
                            // the tables grew a lot: let the database plan the next batches for their size
                            Refresher.refreshStatistics(replica::refreshStatistics);
                            analyzeAt = applied * 2;
                        }
                        backlog.step(applied);
                        if (!last.isEmpty()) {
                            status.applied(Hlc.millis(last.get(last.size() - 1).changeId()));
                        }
                        caughtUp = false;
                    }
                    case Protocol.DOMAIN_MISMATCH, Protocol.REFRESH_REQUIRED -> {
                        boolean supplierEmpty = Boolean.TRUE.equals(answer.get("empty"));
                        if (!refreshed && target.automaticRefresh() && !(supplierEmpty && !empty())) {
                            status.state = "refreshing";
                            refresher.refresh(target);
                            refreshed = true;
                            continue;
                        }
                        refused(kind, supplierEmpty);
                        return false;
                    }
                    default -> throw new ProtocolException("unknown answer");
                }
            }
            return false;
        } catch (IOException e) {
            if (answered && (System.nanoTime() - started) / 1_000_000 >= REOPEN_AFTER_MS) {
                // the supplier ends long-lived connections (request count, age); reopen at once, and
                // only if that fails is it an error
                Log.debug("replication: connection to " + target.url() + " ended, reopening: " + e.getMessage());
                return true;
            }
            failed(e, false);
        } catch (ProtocolException | StoreException | IllegalStateException e) {
            failed(e, false);
        } catch (RuntimeException e) { // never let it escape: the thread would stop pulling for good
            failed(e, true);
        } finally {
            link = null;
        }
        return false;
    }

    /**
     * The pulls of one session sent ahead: a full batch says the supplier has more, so the next
     * pull goes out before the batch is written, and the supplier reads and sends while this node
     * writes. The batches applied in one transaction come from here; an answer that is not changes
     * ends the transaction's batches and is kept for the session's loop.
     */
    private final class Ahead {
        private final Link link;
        /** The vector of the pull sent and not yet taken by the loop; else null. */
        Map<String, String> sent;
        private Map<String, Object> held;
        private String domainId;
        /** Batches and changes of the current transaction, and its last batch. */
        int batches;
        int changes;
        List<ChangeRow> last;

        Ahead(Link link) {
            this.link = link;
        }

        /** The answer to the pull sent ahead, as the loop takes it. */
        Map<String, Object> receive() throws IOException {
            Map<String, Object> answer = held != null ? held : link.receive();
            held = null;
            sent = null;
            return answer;
        }

        /** The changes of {@code answer} (to the pull from {@code vector}): the first batch of a transaction. */
        List<ChangeRow> changes(Map<String, Object> answer, Map<String, String> vector) throws IOException {
            batches = 0;
            changes = 0;
            // read here, outside the transaction: reading it may write it, and SQLite's one writer is the transaction's
            domainId = domain.get();
            return take(answer, vector);
        }

        /** The next batch for the transaction under way, or null if there is none yet (then kept for the loop). */
        List<ChangeRow> nextChanges() {
            if (sent == null) {
                return null;
            }
            try {
                Map<String, Object> answer = link.receive();
                if (!Protocol.CHANGES.equals(Fields.str(answer, "answer"))) {
                    held = answer;
                    return null;
                }
                Map<String, String> vector = sent;
                sent = null;
                return take(answer, vector);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private List<ChangeRow> take(Map<String, Object> answer, Map<String, String> vector) throws IOException {
            List<ChangeRow> rows = Protocol.changes(answer);
            if (rows.size() > BATCH) {
                throw new ProtocolException("batch over the limit asked for");
            }
            batches++;
            changes += rows.size();
            last = rows;
            if (rows.size() == BATCH) {
                sent = after(vector, rows);
                link.send(pull(domainId, sent, false));
            }
            return rows;
        }
    }

    /** A pull from {@code vector}, held by the supplier until changes come if {@code waiting}. */
    private Map<String, Object> pull(Map<String, String> vector, boolean waiting) {
        return pull(domain.get(), vector, waiting);
    }

    private Map<String, Object> pull(String domainId, Map<String, String> vector, boolean waiting) {
        Map<String, Object> req = Protocol.message("op", "pull");
        req.put("domain", domainId);
        req.put("vector", new java.util.LinkedHashMap<String, Object>(vector));
        req.put("limit", (long) BATCH);
        if (waiting) {
            req.put("wait_ms", (long) Math.min(options.waitMillis(), options.timeoutMillis() / 2));
        }
        return req;
    }

    /** {@code vector} once {@code rows} are applied: each origin at the newest of its changes (as {@link Applier} moves it). */
    static Map<String, String> after(Map<String, String> vector, List<ChangeRow> rows) {
        Map<String, String> next = new java.util.LinkedHashMap<>(vector);
        for (ChangeRow r : rows) {
            next.merge(r.origin(), r.changeId(), (a, b) -> b.compareTo(a) > 0 ? b : a);
        }
        return next;
    }

    /** True if this node has recorded no change at all (a database never written to). */
    private boolean empty() {
        return replica.vector().values().stream().allMatch("0"::equals);
    }

    private void succeeded() {
        status.state = "ok";
        status.lastError = null;
        if (failing) {
            failing = false;
            failures.clear();
            Log.info("replication: pulling from " + target.url() + " again");
        }
    }

    private void refused(String kind, boolean supplierEmpty) {
        String message;
        if (kind.equals(Protocol.REFRESH_REQUIRED)) {
            message = "this node is behind the supplier's changelog retention; run 'keyward refresh-replication-consumer"
                    + " --from " + target.url() + "' on this node";
        } else if (supplierEmpty && !empty()) {
            message = "the partner is a new node of another replication domain and holds nothing yet: it must refresh"
                    + " from this node (automatic_refresh there, or 'keyward refresh-replication-consumer' run there);"
                    + " nothing to do on this node";
        } else if (empty()) {
            message = "this node holds nothing yet and belongs to another replication domain than the partner: run"
                    + " 'keyward refresh-replication-consumer --from " + target.url() + "' on this node"
                    + " (or set automatic_refresh = true for that partner)";
        } else {
            message = "the partner belongs to another replication domain and both nodes hold data: decide whose data to"
                    + " keep, and run 'keyward refresh-replication-consumer' only on the other node";
        }
        status.state = kind;
        status.lastError = message;
        failing = true;
        if (failures.first(kind + message)) {
            Log.warn("replication: " + target.url() + ": " + message);
        }
    }

    /** What failed, in words (no Java class name): the connection, the partner's answer, or this node's database. */
    private String describe(Exception e) {
        String m = e.getMessage() == null ? "no detail" : e.getMessage();
        if (e instanceof IOException) {
            return "connection to " + target.url() + ": " + (e instanceof java.net.SocketTimeoutException ? "timed out: " : "") + m;
        } else if (e instanceof ProtocolException) {
            return "the partner's answer: " + m;
        } else if (e instanceof StoreException) {
            return "this node's database: " + m;
        } else if (e instanceof IllegalStateException) {
            return m;
        }
        return "internal error (see the log): " + m;
    }

    private void failed(Exception e, boolean unexpected) {
        if (stopped) {
            return;
        }
        status.state = "error";
        status.lastError = describe(e);
        failing = true;
        if (unexpected) {
            Log.error("replication: pull from " + target.url() + " failed", e);
        } else if (failures.first(status.lastError)) {
            Log.warn("replication: pull from " + target.url() + " failed (logged once per cause until it works"
                    + " again): " + status.lastError);
        } else {
            Log.debug("replication: pull from " + target.url() + " failed: " + e);
        }
    }
}
