package keyward.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One-line logs to stdout in a stable format journald keeps:
 * {@code 2026-11-22T01:00:00.123Z INFO  message}. Request lines add key=value fields. Callers
 * never pass secrets here: messages name objects, never material, tokens or plaintext.
 *
 * <p>Lines go through one buffer, in order. {@link #request} leaves its line there for at most
 * {@value #FLUSH_EVERY_MILLIS} ms (a daemon thread writes it out, as do a full buffer, any other
 * line, {@link #flush}, {@link #setOutput} and JVM shutdown): one write per request was a
 * measurable share of a request's cost. Every other method writes at once, together with what is
 * buffered before it. A crash of the JVM can lose the request lines of the last moment, never a
 * warning or an error. Thread-safe; appending never waits on the output.
 */
public final class Log {
    /** Levels in increasing severity. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    static final long FLUSH_EVERY_MILLIS = 200;
    private static final int FLUSH_AT_CHARS = 64 * 1024;
    private static final String[] PADDED = {"DEBUG", "INFO ", "WARN ", "ERROR"};

    private static volatile Level threshold = Level.INFO;
    /** Guards {@link #pending}, {@link #second} and {@link #secondText}; held only to append or swap. */
    private static final Object BUFFER = new Object();
    /** Held while writing, so that swapped-out buffers reach the output in order. */
    private static final Object OUTPUT = new Object();
    private static StringBuilder pending = new StringBuilder(FLUSH_AT_CHARS);
    private static long second = Long.MIN_VALUE;
    private static String secondText = "";
    private static PrintStream out = System.out; // guarded by OUTPUT
    private static Thread flusher;               // guarded by BUFFER

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    /** Redirects output (tests scan it for secrets); what was buffered goes to the previous stream. */
    public static void setOutput(PrintStream stream) {
        synchronized (OUTPUT) {
            flush();
            out = stream;
        }
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public static void debug(String message) {
        write(Level.DEBUG, message, true);
    }

    public static void info(String message) {
        write(Level.INFO, message, true);
    }

    /** An INFO line that may reach the output up to {@value #FLUSH_EVERY_MILLIS} ms later: one per request. */
    public static void request(String message) {
        write(Level.INFO, message, false);
    }

    public static void warn(String message) {
        write(Level.WARN, message, true);
    }

    public static void error(String message) {
        write(Level.ERROR, message, true);
    }

    /** Logs once with the stack trace, for failures nobody expected. */
    public static void error(String message, Throwable t) {
        if (!enabled(Level.ERROR)) {
            return;
        }
        java.io.StringWriter sw = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(sw));
        write(Level.ERROR, message + " | " + sw.toString().replace("\n", " | ").replace("\t", ""), true);
    }

    /** Writes out every buffered line now. */
    /**
     * Why a file could not be read or written, in words for an operator (never a Java class name):
     * the operating system's reason where the JDK carries one, else the exception's message.
     */
    public static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        } else if (e instanceof java.io.EOFException) {
            return "it ends too early";
        }
        return e.getMessage() != null ? e.getMessage() : "input/output error";
    }

    public static void flush() {
        synchronized (OUTPUT) {
            StringBuilder lines;
            synchronized (BUFFER) {
                if (pending.length() == 0) {
                    return;
                }
                lines = pending;
                pending = new StringBuilder(FLUSH_AT_CHARS);
            }
            byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }

    private static void write(Level level, String message, boolean now) {
        if (!enabled(level)) {
            return;
        }
        String text = message.replace('\n', ' ');
        long millis = System.currentTimeMillis();
        boolean full;
        synchronized (BUFFER) {
            stamp(millis);
            pending.append(PADDED[level.ordinal()]).append(' ').append(text).append('\n');
            full = pending.length() >= FLUSH_AT_CHARS;
            if (!now && flusher == null) {
                startFlusher();
            }
        }
        if (now || full) {
            flush();
        }
    }

    /** Appends {@code 2026-11-22T01:00:00.123Z }; the text up to the second is made once a second. */
    private static void stamp(long millis) {
        long s = Math.floorDiv(millis, 1000);
        if (s != second) {
            String t = Instant.ofEpochSecond(s).toString(); // 2026-11-22T01:00:00Z
            secondText = t.substring(0, t.length() - 1) + ".";
            second = s;
        }
        int ms = Math.floorMod(millis, 1000);
        pending.append(secondText).append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10)).append("Z ");
    }

    private static void startFlusher() {
        flusher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(FLUSH_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                flush();
            }
        }, "keyward-log-flusher");
        flusher.setDaemon(true);
        flusher.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Log::flush, "keyward-log-flush-at-exit"));
        } catch (IllegalStateException shuttingDown) {
            // the first request line came during shutdown: its own lines, written at once, take it along
        }
    }
}
