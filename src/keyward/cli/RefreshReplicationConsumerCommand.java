package keyward.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import keyward.config.Config;
import keyward.repl.Replicator;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/**
 * {@code keyward refresh-replication-consumer [--from ORIGIN] [--yes]}: replaces this (stopped)
 * node's keys, users and tokens with a full copy from a partner and joins its replication domain.
 */
final class RefreshReplicationConsumerCommand implements Cli.Command {
    @Override
    public String usage() {
        return "refresh-replication-consumer [--from ORIGIN] [--yes]   replace this node's data with a copy from a partner\n"
                + "\n  Run it with the server stopped. ORIGIN is a partner url from [replication] (repl://host:port);\n"
                + "  default: the first partner this node pulls from. Asks for confirmation unless --yes.";
    }

    @Override
    public int run(Args args, PrintStream out) throws Exception {
        String from = args.value("from");
        boolean yes = args.flag("yes");
        Config c = Config.load(args.rest(), System.getenv());
        if (c.replication() == null) {
            throw new CliException("the configuration has no [replication] section");
        }
        if (!yes) {
            out.println("This replaces ALL keys, users and tokens of this node with a copy from "
                    + (from == null ? "its first supplier" : from) + ". Type 'yes' to continue:");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 64);
            char[] answer = new char[16];
            int n = in.read(answer, 0, answer.length);
            if (n <= 0 || !new String(answer, 0, n).trim().equals("yes")) {
                out.println("not confirmed; nothing changed");
                return 1;
            }
        }
        try (Store store = Stores.create(c)) {
            store.open();
            Secrets s = Secrets.load(c, store);
            int n = Replicator.refreshOffline(c.replication(), store, s.kek(), Clock.systemUTC(),
                    Replicator.Options.of(c), from);
            out.println("refreshed: " + n + " objects copied; this node now belongs to its partner's replication domain");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
