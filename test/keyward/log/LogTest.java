package keyward.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log's line format, threshold, ordering and the bounded delay of request lines. */
class LogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private PrintStream previous;

    @BeforeEach
    void capture() {
        Log.setLevel(Log.Level.INFO); // a server started by an earlier test may have left another level
        previous = System.out;
        Log.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.setOutput(previous);
        Log.setLevel(Log.Level.INFO);
    }

    private List<String> lines() {
        Log.flush();
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void aLine_hasAnIsoTimeTheLevelAndTheMessage() {
        Log.info("hello operator");
        Log.warn("careful");
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  hello operator"), lines.get(0));
        assertTrue(lines.get(1).matches("\\S+Z WARN  careful"), lines.get(1));
    }

    @Test
    void aMultiLineMessage_staysOneLine() {
        Log.error("first\nsecond\nthird");
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).endsWith("ERROR first second third"));
    }

    @Test
    void errorWithThrowable_carriesTheStackTraceOnOneLine() {
        Log.error("unexpected", new IllegalStateException("broken invariant"));
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("unexpected | java.lang.IllegalStateException: broken invariant | at "), lines.get(0));
        assertTrue(lines.get(0).contains("LogTest.errorWithThrowable"), "names where it was thrown");
    }

    @Test
    void theThreshold_dropsLowerLevels() {
        Log.setLevel(Log.Level.WARN);
        Log.debug("d");
        Log.info("i");
        Log.request("r");
        Log.warn("w");
        Log.error("e", new RuntimeException("x"));
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertFalse(Log.enabled(Log.Level.INFO));
        assertTrue(Log.enabled(Log.Level.ERROR));
        Log.setLevel(Log.Level.DEBUG);
        Log.debug("now shown");
        assertTrue(lines().get(2).endsWith("DEBUG now shown"));
    }

    @Test
    void requestLines_reachTheOutputWithinTheFlushPeriodUnprompted() throws Exception {
        Log.request("GET /v1/keys status=200");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!currentText().contains("status=200") && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertTrue(currentText().contains("INFO  GET /v1/keys status=200"), "the flusher wrote it out");
    }

    @Test
    void aWarning_takesTheBufferedRequestLinesAlongInOrder() {
        Log.request("req-1");
        Log.request("req-2");
        Log.warn("after");
        String text = currentText();
        int a = text.indexOf("req-1");
        int b = text.indexOf("req-2");
        int c = text.indexOf("after");
        assertTrue(a >= 0 && a < b && b < c, text);
    }

    @Test
    void concurrentWriters_neverInterleaveWithinALine() throws Exception {
        int threads = 4;
        int each = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            String tag = "writer" + t;
            ts[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    Log.request(tag + " line " + i + " end");
                }
            });
            ts[t].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        List<String> lines = lines();
        assertEquals(threads * each, lines.size());
        for (String l : lines) {
            assertTrue(l.matches("\\S+Z INFO  writer\\d line \\d+ end"), l);
        }
        for (int t = 0; t < threads; t++) {
            String tag = "writer" + t + " line ";
            int last = -1;
            for (String l : lines) {
                int at = l.indexOf(tag);
                if (at >= 0) {
                    int n = Integer.parseInt(l.substring(at + tag.length(), l.length() - 4));
                    assertEquals(last + 1, n, "one writer's lines keep their order");
                    last = n;
                }
            }
        }
    }

    private String currentText() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void reason_saysWhatFailedInWords_neverAJavaClassName() {
        assertEquals("permission denied", Log.reason(new java.nio.file.AccessDeniedException("/etc/keyward/kek.key")));
        assertEquals("no such file or directory", Log.reason(new java.nio.file.NoSuchFileException("/a.tmp", "/a", null)));
        assertEquals("No space left on device",
                Log.reason(new java.nio.file.FileSystemException("/a.tmp", "/a", "No space left on device")));
        assertEquals("it ends too early", Log.reason(new java.io.EOFException()));
        assertEquals("Connection reset", Log.reason(new java.io.IOException("Connection reset")));
        assertEquals("input/output error", Log.reason(new java.io.IOException()));
    }
}
