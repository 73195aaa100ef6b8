package keyward.cli;

import java.io.PrintStream;
import keyward.config.Config;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;
import keyward.store.redis.RedisStore;

/** {@code keyward rotate-findex-label --new-label L}: rebuilds the Redis index under a new label, online. */
final class RotateFindexLabelCommand implements Cli.Command {
    @Override
    public String usage() {
        return "rotate-findex-label --new-label L   rebuild the redis-findex index under a new label (online)\n"
                + "\n  Running instances keep serving and switch to the new label by themselves; afterwards start\n"
                + "  every instance with --redis-findex-label L (one started with the old label refuses).\n"
                + "  An interrupted run resumes when run again with the same label.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        String label = args.value("new-label");
        if (label == null || label.isBlank()) {
            throw new Args.UsageException("--new-label is required");
        }
        Config c = Config.load(args.rest(), System.getenv());
        if (!"redis-findex".equals(c.databaseType())) {
            throw new CliException("rotate-findex-label needs --database-type=redis-findex (this config uses "
                    + c.databaseType() + ")");
        }
        try (Store store = Stores.create(c)) {
            store.open();
            Secrets.load(c, store);
            ((RedisStore) store).rotateLabel(label, line -> out.println(line));
            out.println("label rotated; restart instances with --redis-findex-label " + label);
        }
        return 0;
    }
}
