package keyward.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import keyward.config.Config;
import keyward.core.Core;
import keyward.core.Settings;
import keyward.core.UserService;
import keyward.crypto.AuditKey;
import keyward.crypto.Kek;
import keyward.crypto.Pepper;
import keyward.store.Store;
import keyward.time.Clock;

/** {@code keyward init}: a new deployment's secrets, database and first admin. */
final class InitCommand implements Cli.Command {
    @Override
    public String usage() {
        return "init [--data-dir DIR] [--admin-name NAME]   create the KEK, pepper, audit key and first admin\n"
                + "\n  Creates DIR (default ./data) with kek.key, pepper.key and audit.key (all 0600), sets up the\n"
                + "  database, creates the admin user and writes its token to DIR/admin.token (0600), printing it once.\n"
                + "  Refuses to overwrite an existing setup.";
    }

    @Override
    public int run(Args args, PrintStream out) throws IOException {
        String adminName = args.value("admin-name");
        Config c = Config.load(args.rest(), System.getenv());
        Path dir = c.dataDir();
        if (Files.exists(c.kekFile()) || Files.exists(c.pepperFile()) || Files.exists(dir.resolve("admin.token"))) {
            throw new CliException("refusing to overwrite an existing setup in " + dir
                    + " (kek.key, pepper.key or admin.token exists)");
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the files themselves are still written 0600 where possible
        }
        try (Store store = Stores.create(c)) {
            store.open();
            Kek kek;
            if (c.kekPassphraseFile() != null) {
                kek = Secrets.loadKek(c, store);
            } else {
                kek = Kek.generate();
                kek.save(c.kekFile());
            }
            Secrets.checkCanary(kek, store);
            Pepper pepper = Pepper.generate();
            pepper.save(c.pepperFile());
            AuditKey.generate().save(c.auditKeyFile());
            Secrets secrets = Secrets.load(c, store);
            Core core = new Core(store, secrets.kek(), secrets.pepper(), Settings.defaults("init"), Clock.system());
            UserService.IssuedToken t = core.users().createUserUnchecked(adminName == null ? "admin" : adminName, true);
            Path tokenFile = dir.resolve("admin.token");
            Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            Files.writeString(tokenFile, t.token() + "\n", StandardCharsets.UTF_8);
            out.println("initialized " + dir + " (" + store.kind() + ")");
            out.println("admin user '" + t.user() + "' token (also in " + tokenFile + "; shown once):");
            out.println(t.token());
        }
        return 0;
    }
}
