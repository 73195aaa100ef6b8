package keyward.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import keyward.config.Config;
import keyward.crypto.Kek;
import keyward.ops.BackupHeader;
import keyward.ops.Counts;
import keyward.ops.OpsException;
import keyward.ops.Restore;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/** {@code keyward restore --in FILE [--force]}: a backup into the configured (empty) database. */
final class RestoreCommand implements Cli.Command {
    @Override
    public String usage() {
        return "restore --in FILE [--force]   restore a backup into the configured database\n"
                + "\n  Needs the deployment's kek.key (or passphrase) that made the backup; pepper.key and audit.key"
                + "\n  must be the deployment's too for its tokens and audit checkpoints to be of use. Every chunk"
                + "\n  is checked before anything is written; a damaged or truncated file changes nothing. The"
                + "\n  database must be empty unless --force, which writes the backup on top of what is there."
                + "\n  Stop the servers first. Counts are verified at the end.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        String file = args.value("in");
        boolean force = args.flag("force");
        if (file == null) {
            throw new Args.UsageException("missing --in FILE");
        }
        Config c = Config.load(args.rest(), System.getenv());
        try (Store store = Stores.create(c)) {
            BackupHeader header = BackupHeader.read(Path.of(file));
            store.open();
            if (c.kekPassphraseFile() != null && header.kekSalt() != null) {
                // the passphrase KEK needs the deployment's salt, which the clear header carries
                if (force) {
                    store.putMeta(Secrets.SALT, header.kekSalt());
                } else {
                    store.putMetaIfAbsent(Secrets.SALT, header.kekSalt());
                }
            }
            Kek kek = Secrets.loadKek(c, store);
            Counts n = Restore.into(store, kek, Path.of(file), force, out::println);
            Secrets.checkCanary(kek, store);
            out.println("restored " + file + " into " + store.kind() + ": " + n.describe() + "; counts verified");
        } catch (OpsException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
