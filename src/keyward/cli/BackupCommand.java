package keyward.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import keyward.config.Config;
import keyward.crypto.Kek;
import keyward.ops.Backup;
import keyward.ops.Counts;
import keyward.ops.OpsException;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/** {@code keyward backup --out FILE}: an encrypted, backend-neutral copy of the whole deployment. */
final class BackupCommand implements Cli.Command {
    @Override
    public String usage() {
        return "backup --out FILE   write an encrypted backup of the whole deployment (any database type)\n"
                + "\n  Copies every key with all its versions, users, token hashes, the audit log and the deployment"
                + "\n  metadata into FILE (mode 0600), encrypted in authenticated chunks under the master key: the"
                + "\n  file is useless without kek.key (or the passphrase). Safe while servers run; if keys change"
                + "\n  during the copy it starts again. Keep kek.key, pepper.key and audit.key safe, apart from it.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        String file = args.value("out");
        if (file == null) {
            throw new Args.UsageException("missing --out FILE");
        }
        Config c = Config.load(args.rest(), System.getenv());
        try (Store store = Stores.create(c)) {
            store.open();
            Kek kek = Secrets.loadKek(c, store);
            Secrets.checkCanary(kek, store);
            Counts n = Backup.write(store, kek, Path.of(file), out::println);
            out.println("backup written to " + file + ": " + n.describe());
            out.println("it opens only with this deployment's master key (KEK id " + kek.id() + ")");
        } catch (OpsException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
