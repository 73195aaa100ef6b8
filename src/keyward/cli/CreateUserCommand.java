package keyward.cli;

import java.io.PrintStream;
import keyward.config.Config;
import keyward.core.Core;
import keyward.core.Settings;
import keyward.core.UserService;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;
import keyward.time.Clock;

/** {@code keyward create-user NAME [--admin]}: offline, straight on the database. */
final class CreateUserCommand implements Cli.Command {
    @Override
    public String usage() {
        return "create-user NAME [--admin]   create a user offline (bootstrap, recovery); prints its token";
    }

    @Override
    public int run(Args args, PrintStream out) {
        boolean admin = args.flag("admin");
        String name = args.positional();
        if (name == null) {
            throw new Args.UsageException("missing NAME");
        }
        Config c = Config.load(args.rest(), System.getenv());
        try (Store store = Stores.create(c)) {
            store.open();
            Secrets s = Secrets.load(c, store);
            Core core = new Core(store, s.kek(), s.pepper(), Settings.defaults("cli"), Clock.system());
            UserService.IssuedToken t = core.users().createUserUnchecked(name, admin);
            out.println("user '" + name + "'" + (admin ? " (admin)" : "") + " created; token (shown once):");
            out.println(t.token());
        }
        return 0;
    }
}
