package keyward.cli;

import java.io.PrintStream;
import java.time.Clock;
import keyward.config.Config;
import keyward.repl.Identity;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/**
 * {@code keyward renew-replication-certificate}: a new identity certificate; the previous one is
 * still presented to partners that pin it, so replication goes on while they update.
 */
final class RenewReplicationCertificateCommand implements Cli.Command {
    @Override
    public String usage() {
        return "renew-replication-certificate   replace this node's replication certificate (the old one keeps working)\n"
                + "\n  Prints the new certificate. Partners that still pin the old one keep replicating; put the new one\n"
                + "  in their partner_cert (or supplier_cert/consumer_cert) and restart them at your pace. A running\n"
                + "  node picks the new certificate up within one poll interval.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        Config c = Config.load(args.rest(), System.getenv());
        try (Store store = Stores.create(c)) {
            store.open();
            Secrets s = Secrets.load(c, store);
            out.println(Identity.renew(store, s.kek(), Clock.systemUTC()));
        }
        return 0;
    }
}
