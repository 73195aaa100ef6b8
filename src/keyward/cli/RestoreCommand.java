package keyward.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import keyward.config.Config;
import keyward.core.KekRotation;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
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

    /** The retired KEK a backup was made under, kept by rotate-kek; a clear refusal when it is not there. */
    private static Kek retired(Config c, String kekId, Kek current, String file) {
        Path retired = Secrets.retiredKekFile(c, kekId);
        if (c.kekPassphraseFile() != null || !Files.exists(retired)) {
            throw new CliException("backup " + file + " was made under master key " + kekId + ", but this node's master"
                    + " key is " + current.id() + " and " + retired + " (kept by rotate-kek) is not here; copy it"
                    + " from the instance that rotated, or configure the kek.key that made the backup");
        }
        return Kek.load(retired);
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
            Kek opener = kek.id().equals(header.kekId()) ? kek : retired(c, header.kekId(), kek, file);
            Counts n = Restore.into(store, opener, Path.of(file), force, out::println);
            if (opener != kek) {
                // the restored material is wrapped under the retired KEK: move it under today's
                KekRing ring = KekRing.of(kek, opener);
                KekRotation.Result r = KekRotation.rewrapAll(store, ring, out::println);
                keyward.repl.Identity.rewrap(store, ring);
                store.putMeta(Secrets.CANARY, kek.makeCanary());
                out.println("re-wrapped " + r.versions() + " key versions from the retired master key " + opener.id()
                        + " to the current " + kek.id());
            }
            Secrets.checkCanary(kek, store);
            out.println("restored " + file + " into " + store.kind() + ": " + n.describe() + "; counts verified");
        } catch (OpsException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
