package keyward.ops;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import keyward.cli.Cli;

/** One {@code keyward} command run in this JVM, with its exit code and output. */
record Cmd(int code, String out, String err) {

    static Cmd run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cmd(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs and insists on exit code 0. */
    static Cmd ok(String... args) {
        Cmd c = run(args);
        if (c.code != 0) {
            throw new AssertionError("keyward " + String.join(" ", args) + " exited " + c.code + ":\n" + c.err + c.out);
        }
        return c;
    }
}
