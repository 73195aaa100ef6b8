package keyward.cli;

import java.io.PrintStream;
import java.time.Clock;
import keyward.config.Config;
import keyward.repl.Identity;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/** {@code keyward show-replication-certificate}: prints this node's replication certificate (made on first use). */
final class ShowReplicationCertificateCommand implements Cli.Command {
    @Override
    public String usage() {
        return "show-replication-certificate   print this node's replication certificate (base64 DER) for partners to pin";
    }

    @Override
    public int run(Args args, PrintStream out) {
        Config c = Config.load(args.rest(), System.getenv());
        try (Store store = Stores.create(c)) {
            store.open();
            Secrets s = Secrets.load(c, store);
            out.println(Identity.load(store, s.kek(), Clock.systemUTC()).certificateBase64());
        }
        return 0;
    }
}
