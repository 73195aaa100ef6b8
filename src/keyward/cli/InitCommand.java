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
import keyward.server.Secrets;
import keyward.server.Stores;
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
        boolean newDir = !Files.exists(dir);
        Path newDb = c.databaseType().equals("sqlite") && !Files.exists(c.sqlitePath()) ? c.sqlitePath() : null;
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the files themselves are still written 0600 where possible
        }
        boolean done = false;
        try {
            setUp(c, adminName, out);
            done = true;
        } finally {
            if (!done) {
                undo(c, newDir, newDb);
            }
        }
        return 0;
    }

    private static void setUp(Config c, String adminName, PrintStream out) throws IOException {
        Path dir = c.dataDir();
        try (Store store = Stores.create(c)) {
            store.open();
            if (store.getMeta(Secrets.CANARY).isPresent()) {
                throw new CliException("the database is already set up by another instance; to add this instance, copy "
                        + "kek.key, pepper.key and audit.key from that instance's data dir into " + dir
                        + " (mode 0600) and run 'keyward server' instead of init");
            }
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
    }

    /** A failed init leaves nothing behind: the files it wrote, and the data dir if it made it. */
    private static void undo(Config c, boolean newDir, Path newDb) {
        Path dir = c.dataDir();
        java.util.List<Path> made = new java.util.ArrayList<>(java.util.List.of(
                c.kekFile(), c.pepperFile(), c.auditKeyFile(), dir.resolve("admin.token")));
        if (newDb != null) {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                made.add(newDb.resolveSibling(newDb.getFileName() + suffix));
            }
        }
        for (Path p : made) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort: the refusal message still names the directory
            }
        }
        if (newDir) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort, as above
            }
        }
    }
}
