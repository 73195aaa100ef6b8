package keyward.repl;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import keyward.log.Log;
import keyward.store.ChangeRow;
import keyward.store.Replica;
import keyward.store.StoreException;

/**
 * Pulls from one supplier: each poll opens one connection and asks for changes after this node's
 * vector until told "nothing new" (so a backlog drains at once, not one batch per interval).
 * Runs on one thread; the status it writes is read by the API.
 */
final class Consumer {

    private static final int MAX_ROUNDS = 1000;
    private static final int BATCH = 500;

    private final Target target;
    private final SSLContext tls;
    private final Replica replica;
    private final Supplier<String> domain;
    private final Applier applier;
    private final Refresher refresher;
    private final Status.Partner status;
    private final Clock clock;
    private final int timeoutMs;

    Consumer(Target target, Supplier<Identity> identity, Replica replica, Supplier<String> domain, Applier applier,
             Refresher refresher, Status.Partner status, Clock clock, int timeoutMs) {
        this.target = target;
        this.tls = target.tls(identity);
        this.replica = replica;
        this.domain = domain;
        this.applier = applier;
        this.refresher = refresher;
        this.status = status;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    void poll() {
        try {
            String outcome = pullAll();
            if (outcome != null && target.automaticRefresh()) {
                status.state = "refreshing";
                refresher.refresh(target);
                outcome = pullAll();
            }
            if (outcome == null) {
                status.state = "ok";
                status.lastSuccess = clock.instant();
                status.lastError = null;
            } else {
                status.state = outcome;
                status.lastError = outcome.equals(Protocol.DOMAIN_MISMATCH)
                        ? "supplier belongs to another replication domain; run 'keyward refresh-replication-consumer'"
                        : "this node is behind the supplier's changelog retention; run 'keyward refresh-replication-consumer'";
            }
        } catch (IOException | ProtocolException | StoreException | IllegalStateException e) {
            status.state = "error";
            status.lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.debug("replication: pull from " + target.url() + " failed: " + e);
        } catch (RuntimeException e) { // never let it escape: the scheduler would stop polling for good
            status.state = "error";
            status.lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.error("replication: pull from " + target.url() + " failed", e);
        }
    }

    /** Pulls until nothing is new; returns null, or the answer that stopped it (mismatch, refresh required). */
    private String pullAll() throws IOException {
        try (Link link = Link.open(target, tls, timeoutMs)) {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Map<String, Object> req = Protocol.message("op", "pull");
                req.put("domain", domain.get());
                req.put("vector", new java.util.LinkedHashMap<String, Object>(replica.vector()));
                req.put("limit", (long) BATCH);
                Map<String, Object> answer = link.call(req);
                String kind = Fields.str(answer, "answer");
                switch (kind) {
                    case Protocol.NOTHING_NEW -> {
                        status.lagSeconds = 0;
                        return null;
                    }
                    case Protocol.CHANGES -> {
                        List<ChangeRow> rows = Protocol.changes(answer);
                        if (rows.size() > BATCH) {
                            throw new ProtocolException("batch over the limit asked for");
                        }
                        applier.apply(replica, rows);
                        if (!rows.isEmpty()) {
                            long newest = Hlc.millis(rows.get(rows.size() - 1).changeId());
                            status.lagSeconds = Math.max(0, (clock.millis() - newest) / 1000.0);
                        }
                    }
                    case Protocol.DOMAIN_MISMATCH, Protocol.REFRESH_REQUIRED -> {
                        return kind;
                    }
                    default -> throw new ProtocolException("unknown answer");
                }
            }
            return null;
        }
    }
}
