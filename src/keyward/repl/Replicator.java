package keyward.repl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import keyward.config.Config;
import keyward.core.AuditTrail;
import keyward.crypto.KekRing;
import keyward.log.Log;
import keyward.store.Replica;
import keyward.store.Store;

/**
 * Peer replication of one node: captures local changes into the changelog, serves them to pinned
 * consumers on the replication listener, and pulls from each pinned supplier every poll interval,
 * merging what arrives. See docs/replication.md.
 *
 * <p>{@link #start} returns once the listener is bound and the first polls are scheduled;
 * {@link #close} stops listener and consumers within a few seconds. Works on a store that has a
 * {@link Store#replica()} (SQLite, PostgreSQL, MySQL/MariaDB); others (Redis) are refused with
 * {@link IllegalStateException}.
 * Thread-safe.
 */
public final class Replicator implements AutoCloseable {

    static final String NODE = "replication.node";
    static final String DOMAIN = "replication.domain";

    /** Timing: poll interval, socket timeout, changelog retention. */
    public record Options(int pollMillis, int timeoutMillis, Duration retention) {
        public static Options of(Config c) {
            return new Options(2000, 10_000, Duration.ofDays(c.changelogRetentionDays()));
        }

        public Options withPollMillis(int ms) {
            return new Options(ms, timeoutMillis, retention);
        }
    }

    private final Store store;
    private final Replica replica;
    private final IdentityHolder identity;
    private final Status status;
    private final Refresher refresher;
    private final List<Target> targets;
    private final SupplierServer server;
    private final ScheduledExecutorService scheduler;
    private final Options options;
    private final Clock clock;

    private Replicator(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options, AuditTrail audit)
            throws IOException {
        this.store = store;
        this.replica = replicaOf(store);
        this.clock = clock;
        this.options = options;
        String node = meta(store, NODE);
        meta(store, DOMAIN);
        Hlc hlc = new Hlc(clock, node, replica.vector().values());
        Capture capture = new Capture(hlc, clock);
        replica.enableChangeCapture(capture);
        replica.write("replicationBaseline", tx -> {
            tx.lockOrigin(node);
            capture.baseline(tx);
            return null;
        });
        this.identity = new IdentityHolder(store, kek, clock);
        this.targets = new ArrayList<>();
        Set<String> consumerPins = new HashSet<>();
        List<java.security.cert.X509Certificate> consumerCerts = new ArrayList<>();
        for (Config.Partner p : rc.partners()) {
            if (Target.pullsFrom(p)) {
                targets.add(Target.of(p));
            }
            String cert = Target.consumerCert(p);
            if (cert != null) {
                byte[] der = java.util.Base64.getDecoder().decode(cert);
                consumerPins.add(Identity.pin(der));
                consumerCerts.add(Identity.parse(der));
            }
        }
        this.status = new Status(clock, targets.stream().map(Target::url).toList(), audit);
        this.refresher = new Refresher(replica, store, identity::get, hlc, clock, options.timeoutMillis());
        Applier applier = new Applier(hlc, capture, clock, status);
        this.server = consumerPins.isEmpty() ? null : new SupplierServer(rc.bindAddress(),
                PinnedTls.context(identity::get, consumerPins, consumerCerts), replica, this::domain, options.timeoutMillis());
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(targets.size() + 1, r -> {
            Thread t = new Thread(r, "keyward-repl-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Target t : targets) {
            Consumer c = new Consumer(t, identity::get, replica, this::domain, applier, refresher,
                    status.partner(t.url()), clock, options.timeoutMillis());
            scheduler.scheduleWithFixedDelay(c::poll, 0, options.pollMillis(), TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(this::trimSafely, 1, 3600, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::reloadIdentity, options.pollMillis(), options.pollMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts replication for the {@code [replication]} section of the configuration; name
     * conflicts are written to {@code audit} (may be null) besides the log and the status.
     */
    public static Replicator start(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options,
                                   AuditTrail audit) throws IOException {
        return new Replicator(rc, store, kek, clock, options, audit);
    }

    /**
     * Replaces the data of a stopped node with a full copy from the partner {@code fromUrl} (or the
     * first partner it pulls from when null) and adopts that partner's domain; returns the number
     * of objects copied.
     */
    public static int refreshOffline(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options,
                                     String fromUrl) throws IOException {
        Replica replica = replicaOf(store);
        Target from = null;
        for (Config.Partner p : rc.partners()) {
            if (Target.pullsFrom(p) && (fromUrl == null || p.url().equals(fromUrl))) {
                from = Target.of(p);
                break;
            }
        }
        if (from == null) {
            throw new IllegalArgumentException(fromUrl == null ? "the configuration names no partner to pull from"
                    : "no partner " + fromUrl + " to pull from in the configuration");
        }
        Hlc hlc = new Hlc(clock, meta(store, NODE), replica.vector().values());
        IdentityHolder identity = new IdentityHolder(store, kek, clock);
        return new Refresher(replica, store, identity::get, hlc, clock, options.timeoutMillis()).refresh(from);
    }

    /** The store's replication side; a store that has none (Redis) is refused. */
    static Replica replicaOf(Store store) {
        return store.replica().orElseThrow(() -> new IllegalStateException("replication needs a SQL database (sqlite, postgresql or mysql); the "
                + store.kind() + " store cannot replicate: use its own high availability instead"));
    }

    /** Reads (or on first use sets to a random uuid) a replication metadata value. */
    static String meta(Store store, String name) {
        store.putMetaIfAbsent(name, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        return new String(store.getMeta(name).orElseThrow(), StandardCharsets.UTF_8);
    }

    private String domain() {
        return meta(store, DOMAIN);
    }

    /** The JSON of {@code GET /v1/replication/status}. */
    public Map<String, Object> status() {
        return status.toJson();
    }

    /** Seconds since the last change arrived from {@code url} was made (0 when up to date), -1 if unknown. */
    public double lagSeconds(String url) {
        Status.Partner p = status.partner(url);
        return p == null ? -1 : p.lagSeconds;
    }

    /** Partner urls this node pulls from. */
    public List<String> suppliers() {
        return targets.stream().map(Target::url).toList();
    }

    /** The listener's port (useful when bound to port 0), or -1 without a listener. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    public String certificateBase64() {
        return identity.get().certificateBase64();
    }

    /** Replaces this node's data with a full copy from the partner at {@code url}. */
    public int refreshFrom(String url) throws IOException {
        for (Target t : targets) {
            if (t.url().equals(url)) {
                return refresher.refresh(t);
            }
        }
        throw new IllegalArgumentException("no partner " + url + " to pull from in the configuration");
    }

    /** Trims changes and tombstones created before {@code before}; returns how many changes went. */
    public int trim(Instant before) {
        return replica.trim(before);
    }

    private void reloadIdentity() {
        try {
            identity.reload();
        } catch (RuntimeException e) {
            Log.warn("replication: reloading the identity failed: " + e.getMessage());
        }
    }

    private void trimSafely() {
        try {
            int n = trim(clock.instant().minus(options.retention()));
            if (n > 0) {
                Log.info("replication: trimmed " + n + " changes older than the retention");
            }
        } catch (RuntimeException e) {
            Log.warn("replication: trimming the changelog failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
