package keyward.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import keyward.config.Config;
import keyward.config.ConfigException;
import keyward.audit.AuditLog;
import keyward.core.Core;
import keyward.core.KekHolder;
import keyward.core.Settings;
import keyward.http.ApiOptions;
import keyward.http.AuditRoutes;
import keyward.http.HttpApi;
import keyward.http.KmipRoutes;
import keyward.http.Metrics;
import keyward.http.ReplicationRoutes;
import keyward.kmip.Kmip;
import keyward.kmip.KmipListener;
import keyward.log.Log;
import keyward.repl.Replicator;
import keyward.store.Store;
import keyward.time.Clock;
import keyward.vault.Mounts;
import keyward.vault.VaultApi;

/**
 * One running Keyward server: store, secrets, core, jobs and the HTTP front end, wired by hand.
 * {@link #start} returns once the API listens, or, when a step fails, closes what it had started
 * (newest first) and throws; {@link #close} is the ordered, time-limited shutdown (stop
 * accepting, finish in-flight requests, stop jobs, close the store).
 */
public final class Node implements AutoCloseable {
    private final Config config;
    private final Store store;
    private final Core core;
    private final HttpApi api;
    private final AuditLog audit;
    private final Replicator replicator;
    private final KmipListener kmip;

    private Node(Config config, Store store, Core core, HttpApi api, AuditLog audit, Replicator replicator,
                 KmipListener kmip) {
        this.config = config;
        this.store = store;
        this.core = core;
        this.api = api;
        this.audit = audit;
        this.replicator = replicator;
        this.kmip = kmip;
    }

    public static Node start(Config config) throws IOException {
        return start(config, config.replication() == null ? null : Replicator.Options.of(config));
    }

    /** Starts with explicit replication timing (tests poll faster); ignored without a [replication] section. */
    public static Node start(Config config, Replicator.Options replication) throws IOException {
        return start(config, replication, Clock.system());
    }

    /** Starts on {@code clock}, which every part of the node reads (tests move it). */
    public static Node start(Config config, Replicator.Options replication, Clock clock) throws IOException {
        Log.setLevel(Log.Level.valueOf(config.logLevel().toUpperCase(java.util.Locale.ROOT)));
        Secrets.requireFiles(config); // before the store: an uninitialised node writes nothing anywhere
        Store store = Stores.create(config, clock);
        Replicator replicator = null;
        Deque<AutoCloseable> started = new ArrayDeque<>(); // undone newest first if a later step fails
        started.push(store);
        try {
            store.open();
            Secrets secrets = Secrets.load(config, store);
            String nodeName = config.nodeName() != null ? config.nodeName() : defaultNodeName(config);
            Settings settings = new Settings(config.cacheTtlMs(), config.pendingDaysDefault(), config.pendingDaysMin(),
                    config.createUsers(), nodeName, config.adminCanGrant());
            KekHolder kek = new KekHolder(secrets.kek(), () -> Secrets.loadRing(config, store));
            Core core = new Core(store, kek, secrets.pepper(), settings, clock);
            Metrics metrics = new Metrics();
            int threads = config.workerThreads() > 0 ? config.workerThreads()
                    : Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
            ApiOptions options = new ApiOptions(config.bind(), config.port(), config.maxBodyBytes(), threads,
                    config.requestTimeoutMs(), Tls.serverContext(config), config.clientsCaCertFile() != null,
                    Version.version(), Version.git(), config.trustedProxies(), config.maxConnections(),
                    config.maxConnectionsPerClient(), config.headerTimeoutMs(), config.keepaliveTimeoutMs());
            keyward.audit.HeadFile heads = new keyward.audit.HeadFile(config.dataDir().resolve(keyward.audit.HeadFile.NAME));
            AuditLog audit = new AuditLog(store, secrets.auditKey(), nodeName, clock, heads);
            audit.start();
            started.push(audit);
            keyward.http.SystemMetrics.register(metrics, store.pools());
            metrics.gauge("keyward_audit_queued", "Audit entries waiting to be written.", audit::queued);
            metrics.gauge("keyward_audit_written_total", "Audit entries written by this instance.", audit::written);
            metrics.gauge("keyward_audit_dropped_total", "Audit entries dropped because the queue stayed full.",
                    audit::dropped);
            HttpApi api = new HttpApi(options, core, audit, metrics, () -> store.ping() ? null : "database");
            api.addRoutes(AuditRoutes.routes(store));
            Kmip kmipService = new Kmip(core, audit);
            api.addRoutes(KmipRoutes.routes(kmipService, config.maxBodyBytes()));
            api.setVault(new VaultApi(core, vaultMounts(config), () -> store.ping() ? null : "database",
                    Version.version()));
            if (config.replication() != null) {
                replicator = Replicator.start(config.replication(), store, secrets.kek(), clock,
                        replication != null ? replication : Replicator.Options.of(config), audit, core.keys()::forgetCached,
                        new keyward.audit.PartnerHeads(heads, secrets.auditKey()));
                started.push(replicator);
                Replicator r = replicator;
                api.addRoutes(ReplicationRoutes.routes(r::status));
                ReplicationRoutes.gauges(metrics, r.suppliers(), r::lagSeconds, r::partnerOk);
                core.jobs().rotationDelay(r::rotationDelay);
            }
            KmipListener kmip = null; // before the API, so that a ready API means KMIP listens too
            if (config.kmipPort() != 0) {
                kmip = KmipListener.start(new KmipListener.Options(
                        config.kmipBind() != null ? config.kmipBind() : config.bind(), config.kmipPort(),
                        config.kmipMaxMessageBytes(), config.requestTimeoutMs(), KMIP_IDLE_MS, KMIP_CONNECTIONS,
                        options.ssl(), keyward.http.Tls.MODERN_SUITES, keyward.http.Tls::commonName), kmipService,
                        core.users());
                started.push(kmip);
            }
            api.start();
            started.push(() -> api.stop(0));
            core.jobs().start(config.jobsIntervalMs());
            return new Node(config, store, core, api, audit, replicator, kmip);
        } catch (Throwable e) {
            undo(started, e);
            throw e;
        }
    }

    /** How long a KMIP connection may stay silent between messages (clients keep theirs open). */
    private static final int KMIP_IDLE_MS = 300_000;
    /** Open KMIP connections at most, one thread each. */
    private static final int KMIP_CONNECTIONS = 256;

    private static Mounts vaultMounts(Config config) {
        try {
            return Mounts.of(config.vaultKvMounts());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config: 'vault_kv_mounts': " + e.getMessage());
        }
    }

    /** Closes what a failed start had started, newest first; their failures ride along on {@code cause}. */
    private static void undo(Deque<AutoCloseable> started, Throwable cause) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * host:port, unique per instance so each keeps its own audit chain; with an ephemeral port
     * (tests) a random suffix keeps instances in one JVM apart.
     */
    private static String defaultNodeName(Config c) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + (c.port() != 0 ? String.valueOf(c.port())
                : "0-" + java.util.HexFormat.of().formatHex(keyward.crypto.Rand.bytes(3)));
    }

    public int port() {
        return api.port();
    }

    /** The port the KMIP listener is bound to, or 0 when KMIP is off (kmip_port = 0). */
    public int kmipPort() {
        return kmip == null ? 0 : kmip.port();
    }

    public Core core() {
        return core;
    }

    public AuditLog audit() {
        return audit;
    }

    public Store store() {
        return store;
    }

    public Config config() {
        return config;
    }

    /** The replicator, or null without a [replication] section. */
    public Replicator replicator() {
        return replicator;
    }

    /** Ordered shutdown: API (in-flight requests get {@code graceMillis}), jobs, store. */
    public void shutdown(long graceMillis) {
        if (kmip != null) {
            kmip.close();
        }
        api.stop(graceMillis);
        if (replicator != null) {
            replicator.close();
        }
        core.jobs().close();
        audit.close();
        store.close();
        Log.info("stopped");
    }

    @Override
    public void close() {
        shutdown(5000);
    }
}
