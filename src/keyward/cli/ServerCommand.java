package keyward.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import keyward.config.Config;
import keyward.log.Log;
import keyward.server.Node;
import keyward.server.Version;

/** {@code keyward server}: runs until SIGTERM/SIGINT, then shuts down in order. */
final class ServerCommand implements Cli.Command {
    private static final long GRACE_MILLIS = 10_000;

    @Override
    public String usage() {
        return "server [--config FILE] [--data-dir DIR] [flags]   run the server\n"
                + "\n  Flags override KEYWARD_* environment variables (KEYWARD_DB_POOL_SIZE for --db-pool-size),"
                + "\n  which override the TOML file (conf/keyward.toml shows every key).\n\n"
                + "  --config FILE                           the TOML configuration file\n"
                + Config.flagsHelp().stripTrailing();
    }

    @Override
    public int run(Args args, PrintStream out) throws Exception {
        Config c = Config.load(args.rest(), System.getenv());
        for (String w : c.warnings()) {
            Log.warn(w);
        }
        Log.info("effective configuration:\n" + c.describeMasked());
        long t0 = System.nanoTime();
        Node node = Node.start(c);
        Log.info("keyward " + Version.version() + " listening on " + (c.tlsEnabled() ? "https" : "http")
                + "://" + c.bind() + ":" + node.port() + " (" + node.store().kind() + ", ready in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Log.info("shutting down");
            node.shutdown(GRACE_MILLIS);
            stopped.countDown();
        }, "keyward-shutdown"));
        stopped.await();
        return 0;
    }
}
