package keyward.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.config.Config;
import keyward.config.ConfigException;
import keyward.crypto.Kek;
import keyward.ops.Counts;
import keyward.ops.Migration;
import keyward.ops.OpsException;
import keyward.server.Secrets;
import keyward.server.Stores;
import keyward.store.Store;
import keyward.store.sql.JdbcUrls;

/** {@code keyward migrate --to-database-type T ...}: copies the deployment to another backend. */
final class MigrateCommand implements Cli.Command {
    @Override
    public String usage() {
        return "migrate --to-database-type T (--to-database-url U | --to-sqlite-path P) [--force]   copy the deployment"
                + " to another database\n"
                + "\n  Copies everything from the configured database (--database-type, --database-url, ...) to the"
                + "\n  target: sqlite, postgresql, mysql (also MariaDB) or redis-findex. Target options:"
                + "\n    --to-database-password-file F       password of a postgresql or mysql target"
                + "\n    --to-redis-master-password-file F   and --to-redis-findex-label L, for a redis-findex target"
                + "\n  Stop the servers first. The target must be empty unless --force. Counts are verified at the"
                + "\n  end; then point the servers' configuration at the target.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        boolean force = args.flag("force");
        List<String> targetFlags = targetFlags(args);
        Config source = Config.load(args.rest(), System.getenv());
        // data_dir only places a sqlite target given no --to-sqlite-path: beside the source's files
        targetFlags.add("--data-dir=" + source.dataDir());
        Config target;
        try {
            target = Config.load(targetFlags, Map.of());
        } catch (ConfigException e) {
            throw new CliException("target database: " + e.getMessage().replace("(flag --", "(flag --to-"));
        }
        refuseSame(source, target);
        try (Store from = Stores.create(source); Store to = Stores.create(target)) {
            from.open();
            Kek kek = Secrets.loadKek(source, from);
            Secrets.checkCanary(kek, from);
            to.open();
            out.println("migrate: from " + describe(source) + " to " + describe(target));
            Counts n = Migration.copy(from, to, force, out::println);
            Secrets.checkCanary(kek, to);
            out.println("migrated " + n.describe() + "; counts verified. Point database_type and database_url"
                    + " (or sqlite_path) at the target, then start the servers.");
        } catch (OpsException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }

    /** The target's database settings as server flags, to be checked by the same rules as a server's. */
    private static List<String> targetFlags(Args args) {
        String type = args.value("to-database-type");
        String url = args.value("to-database-url");
        String sqlitePath = args.value("to-sqlite-path");
        String passwordFile = args.value("to-database-password-file");
        String redisPasswordFile = args.value("to-redis-master-password-file");
        String redisLabel = args.value("to-redis-findex-label");
        if (type == null) {
            throw new Args.UsageException("missing --to-database-type (sqlite, postgresql, mysql or redis-findex)");
        }
        if (type.equals("sqlite") && url != null) {
            throw new Args.UsageException("a sqlite target is named by --to-sqlite-path, not --to-database-url");
        }
        if (!type.equals("sqlite") && url == null) {
            throw new Args.UsageException("missing --to-database-url for a " + type + " target");
        }
        List<String> flags = new ArrayList<>(List.of("--database-type=" + type, "--db-pool-size=4"));
        add(flags, "database-url", url);
        add(flags, "sqlite-path", sqlitePath);
        add(flags, "database-password-file", passwordFile);
        add(flags, "redis-master-password-file", redisPasswordFile);
        add(flags, "redis-findex-label", redisLabel);
        return flags;
    }

    private static void add(List<String> flags, String name, String value) {
        if (value != null) {
            flags.add("--" + name + "=" + value);
        }
    }

    private static void refuseSame(Config source, Config target) {
        boolean same = source.databaseType().equals(target.databaseType())
                && (source.databaseType().equals("sqlite")
                ? source.sqlitePath().toAbsolutePath().normalize().equals(target.sqlitePath().toAbsolutePath().normalize())
                : source.databaseUrl().equals(target.databaseUrl()));
        if (same) {
            throw new CliException("the target is the configured database itself; name another one");
        }
    }

    private static String describe(Config c) {
        return c.databaseType() + " " + (c.databaseType().equals("sqlite") ? c.sqlitePath().toString()
                : JdbcUrls.redact(c.databaseUrl()));
    }
}
