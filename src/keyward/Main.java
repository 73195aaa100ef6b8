package keyward;

import keyward.cli.Cli;

/** Entry point of the {@code keyward} launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = Cli.run(args, System.out, System.err);
        if (code != 0 || !(args.length > 0 && args[0].equals("server"))) {
            System.out.flush();
            System.exit(code);
        }
    }
}
