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
import keyward.audit.PartnerHeads;
import keyward.core.AuditTrail;
import keyward.crypto.KekRing;
import keyward.log.Log;
import keyward.store.Replica;
import keyward.store.Store;

/**
 * Peer replication of one node: captures local changes into the changelog, serves them to pinned
 * consumers on the replication listener, and pulls from each pinned supplier, merging what
 * arrives: each consumer long-polls its supplier, which answers as soon as it commits a change,
 * with a fresh session every poll interval as the fallback. See docs/replication.md.
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

    /**
     * Timing: poll interval (the fallback when a supplier cannot be long-polled, and the retry
     * interval after a failure), socket timeout, changelog retention, and how long a supplier
     * holds a pull with nothing new (0: plain polling; capped at half the socket timeout).
     */
    public record Options(int pollMillis, int timeoutMillis, Duration retention, int waitMillis) {
        public Options(int pollMillis, int timeoutMillis, Duration retention) {
            this(pollMillis, timeoutMillis, retention, 1000);
        }

        public static Options of(Config c) {
            return new Options(2000, 10_000, Duration.ofDays(c.changelogRetentionDays()));
        }

        public Options withPollMillis(int ms) {
            return new Options(ms, timeoutMillis, retention, waitMillis);
        }

        public Options withWaitMillis(int ms) {
            return new Options(pollMillis, timeoutMillis, retention, ms);
        }

        /** The longest a healthy supplier stays silent toward a consumer. */
        long quietMillis() {
            return waitMillis > 0 ? Math.max(waitMillis, pollMillis) : pollMillis;
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
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final Options options;
    private final Clock clock;
    private final String node;
    /** Node uuids of the suppliers that answered (they say who they are). */
    private final Set<String> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Replicator(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options, AuditTrail audit,
                       java.util.function.Consumer<String> keyChanged, PartnerHeads auditHeads) throws IOException {
        this.store = store;
        this.replica = replicaOf(store);
        this.clock = clock;
        this.options = options;
        this.node = meta(store, NODE);
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
        this.status = new Status(clock, targets.stream().map(Target::url).toList(), audit, options.quietMillis(),
                id -> store.findKey(id).map(keyward.store.KeyRecord::name));
        this.refresher = new Refresher(replica, store, identity::get, hlc, clock, options.timeoutMillis());
        Applier applier = new Applier(hlc, capture, clock, status, keyChanged);
        this.server = consumerPins.isEmpty() ? null : new SupplierServer(rc.bindAddress(),
                PinnedTls.context(identity::get, consumerPins, consumerCerts), replica, this::domain, options.timeoutMillis(),
                capture.signal, consumerPins.size(), node, asked -> PartnerHeads.report(store, asked));
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "keyward-repl-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Target t : targets) {
            Consumer c = new Consumer(t, identity::get, replica, this::domain, applier, refresher,
                    status.partner(t.url()), options, peers::add, auditHeads, clock);
            Thread thread = new Thread(c, "keyward-repl-pull-" + t.host() + ":" + t.port());
            thread.setDaemon(true);
            consumers.add(c);
            consumerThreads.add(thread);
        }
        scheduler.scheduleWithFixedDelay(this::trimSafely, 1, 3600, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::reloadIdentity, options.pollMillis(), options.pollMillis(),
                TimeUnit.MILLISECONDS);
        consumerThreads.forEach(Thread::start);
    }

    /**
     * Starts replication for the {@code [replication]} section of the configuration; name
     * conflicts are written to {@code audit} (may be null) besides the log and the status.
     */
    public static Replicator start(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options,
                                   AuditTrail audit) throws IOException {
        return start(rc, store, kek, clock, options, audit, id -> { });
    }

    /**
     * As above; {@code keyChanged} hears of every key an applied batch changed, after its commit,
     * so that a cache in front of the store drops it (a revocation then takes effect at once).
     */
    public static Replicator start(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options,
                                   AuditTrail audit, java.util.function.Consumer<String> keyChanged) throws IOException {
        return start(rc, store, kek, clock, options, audit, keyChanged, null);
    }

    /**
     * As above; {@code auditHeads} (null: none) records the partners' audit heads this node's
     * consumers are told, and the listener tells consumers this database's own.
     */
    public static Replicator start(Config.Replication rc, Store store, KekRing kek, Clock clock, Options options,
                                   AuditTrail audit, java.util.function.Consumer<String> keyChanged,
                                   PartnerHeads auditHeads) throws IOException {
        return new Replicator(rc, store, kek, clock, options, audit, keyChanged, auditHeads);
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

    /**
     * Seconds this node may be behind the supplier {@code url}: 0 while it answers on time that it
     * has nothing new, else the time since this node last held everything it had (growing while
     * it is unreachable); -1 before its first answer or for an unknown url.
     */
    public double lagSeconds(String url) {
        Status.Partner p = status.partner(url);
        return p == null ? -1 : p.lagSeconds();
    }

    /** 1 while the supplier {@code url} answers pulls (state ok), else 0. */
    public double partnerOk(String url) {
        Status.Partner p = status.partner(url);
        return p != null && "ok".equals(p.state) ? 1 : 0;
    }

    /**
     * How long this node waits, after {@code keyId} falls due for auto-rotation, before rotating it
     * itself: the nodes of the domain (every origin in the vector, and every supplier that
     * answered) are ranked by SHA-256(key id, node uuid); the first rotates at once, each next one
     * a turn later, and a turn is longer than a healthy link's lag. So while the nodes are connected
     * one rotation per period happens, and the others hear of it before their turn.
     */
    public Duration rotationDelay(String keyId) {
        Set<String> nodes = new java.util.TreeSet<>(replica.vector().keySet());
        nodes.addAll(peers);
        nodes.add(node);
        String mine = turnOrder(keyId, node);
        int rank = 0;
        for (String n : nodes) {
            if (turnOrder(keyId, n).compareTo(mine) < 0) {
                rank++;
            }
        }
        return Duration.ofMillis(rank * (options.quietMillis() + 1000));
    }

    private static String turnOrder(String keyId, String node) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((keyId + "/" + node).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h) + node;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
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
        consumers.forEach(Consumer::stop);
        consumerThreads.forEach(Thread::interrupt);
        scheduler.shutdownNow();
        try {
            for (Thread t : consumerThreads) {
                t.join(5000);
            }
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
