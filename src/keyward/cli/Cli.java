package keyward.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.config.ConfigException;
import keyward.core.KwException;
import keyward.crypto.KeyFileException;
import keyward.log.Log;
import keyward.server.SetupException;
import keyward.server.Version;
import keyward.store.StoreException;

/** The {@code keyward} command line: dispatches to one command, maps failures to exit codes. */
public final class Cli {
    /** One subcommand. */
    interface Command {
        String usage();

        int run(Args args, PrintStream out) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("init", new InitCommand());
        COMMANDS.put("server", new ServerCommand());
        COMMANDS.put("create-user", new CreateUserCommand());
        COMMANDS.put("verify-audit", new VerifyAuditCommand());
        COMMANDS.put("rotate-findex-label", new RotateFindexLabelCommand());
        COMMANDS.put("show-replication-certificate", new ShowReplicationCertificateCommand());
        COMMANDS.put("renew-replication-certificate", new RenewReplicationCertificateCommand());
        COMMANDS.put("refresh-replication-consumer", new RefreshReplicationConsumerCommand());
        COMMANDS.put("rotate-kek", new RotateKekCommand());
        COMMANDS.put("backup", new BackupCommand());
        COMMANDS.put("restore", new RestoreCommand());
        COMMANDS.put("migrate", new MigrateCommand());
    }

    private Cli() {
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help") || argv[0].equals("-h")) {
            out.print(help());
            return argv.length == 0 ? 2 : 0;
        }
        if (argv[0].equals("--version") || argv[0].equals("version")) {
            out.println("keyward " + Version.version() + " (" + Version.git() + ")");
            return 0;
        }
        Command c = COMMANDS.get(argv[0]);
        if (c == null) {
            err.println("keyward: unknown command '" + argv[0] + "'\n");
            err.print(help());
            return 2;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(c.usage());
            return 0;
        }
        try {
            return c.run(new Args(rest), out);
        } catch (Args.UsageException e) {
            err.println("keyward " + argv[0] + ": " + e.getMessage() + "\n\n" + c.usage());
            return 2;
        } catch (ConfigException | CliException | SetupException | KeyFileException | StoreException
                | KwException e) {
            err.println("keyward " + argv[0] + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | java.net.BindException e) {
            err.println("keyward " + argv[0] + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            // a bug or an unforeseen environment: the operator gets sentences, the log the stack trace
            Log.error("keyward " + argv[0] + " failed unexpectedly", e);
            err.println("keyward " + argv[0] + ": failed unexpectedly: " + sentences(e)
                    + " (the stack trace is in the log above; please report it)");
            return 1;
        }
    }

    /** The messages of {@code e} and its causes, without class names; "no details" when none has one. */
    static String sentences(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.length() == 0 ? "no details" : sb.toString();
    }

    static String help() {
        StringBuilder sb = new StringBuilder("usage: keyward <command> [flags]   (keyward <command> --help for details)\n\n");
        sb.append("commands:\n");
        for (Map.Entry<String, Command> e : COMMANDS.entrySet()) {
            String first = e.getValue().usage().split("\n", 2)[0];
            sb.append("  ").append(first).append('\n');
        }
        sb.append("\n  --version                 print the version\n");
        sb.append("\nEvery command also takes the configuration flags (--config FILE, --data-dir DIR,\n"
                + "--database-type, --database-url, ...); see conf/keyward.toml for the full list.\n");
        return sb.toString();
    }
}
