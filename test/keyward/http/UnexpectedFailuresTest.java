package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.core.AuditTrail;
import keyward.log.Log;
import org.junit.jupiter.api.Test;

/**
 * A failure nobody expected while recording or answering (the audit trail, the JSON writer) is
 * logged once, as an ERROR with its stack trace and without the caller's token, and answered as a
 * plain 500 while no answer has begun.
 */
class UnexpectedFailuresTest {

    @Test
    void anAuditTrailThatThrows_isLoggedOnceWithItsStackTrace_andAnswered500() throws Exception {
        AuditTrail broken = (user, operation, keyRef, outcome, remote) -> {
            throw new IllegalStateException("audit trail broke");
        };
        try (TestNode node = TestNode.start()) {
            String log = logOf(node, broken, api -> {
                Http.Res r = new Http(base(api), node.adminToken).get("/v1/whoami");
                assertEquals(500, r.status());
                assertEquals("internal", r.errorCode());
            });
            assertLoggedOnce(log, "java.lang.IllegalStateException: audit trail broke");
            assertFalse(log.contains(node.adminToken), "the token reached the log");
        }
    }

    @Test
    void aReplyTheJsonWriterRefuses_isLoggedOnceWithItsStackTrace_andAnswered500() throws Exception {
        try (TestNode node = TestNode.start()) {
            String log = logOf(node, AuditTrail.NONE, api -> {
                api.addRoutes(List.of(Route.of("GET", "/unwritable", "unwritable", false,
                        c -> Reply.ok(Map.of("value", new Object())))));
                Http.Res r = new Http(base(api), null).get("/unwritable");
                assertEquals(500, r.status());
                assertEquals("internal", r.errorCode());
            });
            assertLoggedOnce(log, "java.lang.IllegalArgumentException: cannot write java.lang.Object as JSON");
        }
    }

    private interface Use {
        void with(HttpApi api) throws Exception;
    }

    /** Runs {@code use} against a second API on the node's core with {@code audit}; returns what was logged. */
    private static String logOf(TestNode node, AuditTrail audit, Use use) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HttpApi api = new HttpApi(new ApiOptions("127.0.0.1", 0, 1 << 20, 2, 30_000, null, false, "test", "test"),
                node.node.core(), audit, new Metrics(), () -> null);
        api.start();
        Log.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            use.with(api);
        } finally {
            api.stop(1000);
            Log.setOutput(System.out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String base(HttpApi api) {
        return "http://127.0.0.1:" + api.port();
    }

    private static void assertLoggedOnce(String log, String failure) {
        List<String> lines = log.lines().filter(l -> l.contains(failure)).toList();
        assertEquals(1, lines.size(), "lines naming the failure in:\n" + log);
        String line = lines.get(0);
        assertTrue(line.contains(" ERROR request ") && line.contains("unexpected failure"), line);
        assertTrue(line.contains("at keyward.http."), "no stack trace: " + line);
    }
}
