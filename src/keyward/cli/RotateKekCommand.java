package keyward.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import keyward.config.Config;
import keyward.core.KekRotation;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;

/**
 * {@code keyward rotate-kek}: re-wraps everything under a new KEK, online, resumable.
 *
 * <pre>
 * 1. kek.key.next is made (or, on a resumed run, reused)          --prepare stops here
 * 2. the new KEK id is announced in the database; running instances reload their key files
 *    (kek.key + kek.key.next) within a second or two and wrap new material under it
 * 3. every key version is re-wrapped (compare-and-set per key), passes repeat until none is left
 *    under the old KEK; the BYOK wrapping key and the canary follow
 * 4. kek.key.next replaces kek.key: the old KEK is gone and opens nothing
 * </pre>
 */
final class RotateKekCommand implements Cli.Command {
    @Override
    public String usage() {
        return "rotate-kek [--prepare] [--switch-wait-ms N]   re-wrap all key material under a new KEK (online, resumable)\n"
                + "\n  With several instances on separate data dirs: run with --prepare first, copy DATA_DIR/kek.key.next to\n"
                + "  every instance's data dir, then run without it. Instances switch by themselves; afterwards copy the\n"
                + "  new kek.key everywhere. An interrupted run finishes when started again.";
    }

    @Override
    public int run(Args args, PrintStream out) throws Exception {
        boolean prepare = args.flag("prepare");
        long waitMs = args.number("switch-wait-ms", 3000, 0, 600_000);
        Config c = Config.load(args.rest(), System.getenv());
        if (c.kekPassphraseFile() != null) {
            throw new CliException("rotate-kek works with a KEK file; a passphrase-derived KEK changes with its passphrase");
        }
        Path nextFile = Secrets.nextKekFile(c);
        try (Store store = Stores.create(c)) {
            store.open();
            Kek current = Kek.load(c.kekFile());
            Kek next;
            if (Files.exists(nextFile)) {
                next = Kek.load(nextFile);
                out.println("rotate-kek: resuming with the new KEK " + next.id() + " from " + nextFile);
            } else {
                next = Kek.generate();
                next.save(nextFile);
                out.println("rotate-kek: new KEK " + next.id() + " written to " + nextFile);
            }
            KekRing ring = KekRing.of(next, current);
            Secrets.checkCanary(ring, store);
            if (prepare) {
                out.println("rotate-kek: prepared; copy " + nextFile + " to every instance's data dir, then run rotate-kek");
                return 0;
            }
            KekRotation.announce(store, next.id());
            out.println("rotate-kek: announced; waiting " + waitMs + " ms for running instances to switch");
            Thread.sleep(waitMs);
            for (int pass = 1; ; pass++) {
                KekRotation.Result r = KekRotation.rewrapAll(store, ring, out::println);
                long left = KekRotation.countUnder(store, current.id());
                out.println("rotate-kek: pass " + pass + " re-wrapped " + r.versions() + " versions; " + left
                        + " left under the old KEK");
                if (left == 0) {
                    break;
                }
                if (pass >= 5) {
                    throw new CliException("versions keep appearing under the old KEK; is an instance running without "
                            + nextFile.getFileName() + "? Copy it there and run rotate-kek again");
                }
            }
            keyward.repl.Identity.rewrap(store, ring);  // the replication identity's private key, if any
            store.putMeta("kek.canary", next.makeCanary());
            Path retired = Secrets.retiredKekFile(c, current.id());
            if (!Files.exists(retired)) {
                current.save(retired); // backups made before today open only with it
            }
            Files.move(nextFile, c.kekFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println("rotate-kek: done; " + c.kekFile() + " now holds KEK " + next.id() + "; the database opens"
                    + " nothing under the old KEK " + current.id());
            out.println("rotate-kek: the old KEK is kept as " + retired + " (0600) for restoring backups made before"
                    + " now; keep it as safe as kek.key");
            out.println("rotate-kek: copy " + c.kekFile() + " and " + retired.getFileName() + " to the data dir of"
                    + " every other instance and node of this deployment");
        }
        return 0;
    }
}
