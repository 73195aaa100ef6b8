package keyward.log;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One-line logs to stdout in a stable format journald keeps:
 * {@code 2026-11-22T01:00:00.123Z INFO  message}. Request lines add key=value fields. Callers
 * never pass secrets here: messages name objects, never material, tokens or plaintext.
 */
public final class Log {
    /** Levels in increasing severity. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.out;

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    /** Redirects output (tests scan it for secrets). */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public static void debug(String message) {
        write(Level.DEBUG, message);
    }

    public static void info(String message) {
        write(Level.INFO, message);
    }

    public static void warn(String message) {
        write(Level.WARN, message);
    }

    public static void error(String message) {
        write(Level.ERROR, message);
    }

    /** Logs once with the stack trace, for failures nobody expected. */
    public static void error(String message, Throwable t) {
        if (!enabled(Level.ERROR)) {
            return;
        }
        java.io.StringWriter sw = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(sw));
        write(Level.ERROR, message + " | " + sw.toString().replace("\n", " | ").replace("\t", ""));
    }

    private static void write(Level level, String message) {
        if (!enabled(level)) {
            return;
        }
        String line = Instant.now() + " " + String.format("%-5s", level.name()) + " " + message.replace('\n', ' ');
        PrintStream o = out;
        synchronized (o) {
            o.println(line);
        }
    }
}
