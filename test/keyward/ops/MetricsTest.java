package keyward.ops;

import static keyward.Http.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} is valid Prometheus text and counts the requests made. */
class MetricsTest {

    @Test
    void metrics_parseAsPrometheusText_andCountRequestsByOperationAndStatus() throws Exception {
        try (TestNode node = TestNode.start()) {
            Http h = node.admin();
            assertEquals(201, h.post("/v1/keys", Map.of("name", "m", "algorithm", "aes-256-gcm")).status());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, h.post("/v1/keys/m/encrypt", Map.of("plaintext", b64("x"))).status());
            }
            assertEquals(404, h.get("/v1/keys/nope").status());
            // a request is counted just after its answer is sent: the scrape may come first
            Poll.within(java.time.Duration.ofSeconds(5), () -> new Http(node.base(), null).get("/metrics").text()
                    .contains("operation=\"key.get\",status=\"404\""));
            Http.Res r = new Http(node.base(), null).get("/metrics");
            assertEquals(200, r.status());
            assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));

            PrometheusText p = PrometheusText.parse(r.text());
            assertEquals("counter", p.types.get("keyward_requests_total"));
            assertEquals("histogram", p.types.get("keyward_request_duration_seconds"));
            assertEquals(1.0, single(p, "keyward_requests_total", Map.of("operation", "key.create", "status", "201")));
            assertEquals(3.0, single(p, "keyward_requests_total", Map.of("operation", "encrypt", "status", "200")));
            assertEquals(1.0, single(p, "keyward_requests_total", Map.of("operation", "key.get", "status", "404")));
            assertEquals(3.0, single(p, "keyward_request_duration_seconds_count", Map.of("operation", "encrypt")));
            assertFalse(p.find("keyward_request_duration_seconds_bucket", Map.of("operation", "encrypt", "le", "+Inf"))
                    .isEmpty());
        }
    }

    @Test
    void metrics_showTheJvmTheProcessAndEveryConnectionPool() throws Exception {
        try (TestNode node = TestNode.start("--db-pool-size=5")) {
            PrometheusText p = PrometheusText.parse(new Http(node.base(), null).get("/metrics").text());
            double used = single(p, "jvm_memory_heap_used_bytes", Map.of());
            assertTrue(used > 0 && used <= single(p, "jvm_memory_heap_committed_bytes", Map.of()), "heap " + used);
            assertTrue(single(p, "jvm_memory_heap_max_bytes", Map.of()) >= single(p, "jvm_memory_heap_committed_bytes",
                    Map.of()));
            assertEquals("counter", p.types.get("jvm_gc_collections_total"));
            assertEquals("counter", p.types.get("jvm_gc_collection_seconds_total"));
            assertFalse(p.find("jvm_gc_collections_total", Map.of()).isEmpty(), "one series per collector");
            assertTrue(single(p, "jvm_threads_live", Map.of()) >= 1);
            double open = single(p, "process_open_fds", Map.of());
            assertTrue(open > 3 && open < single(p, "process_max_fds", Map.of()), "open fds " + open);
            double start = single(p, "process_start_time_seconds", Map.of());
            assertTrue(Math.abs(start - System.currentTimeMillis() / 1e3) < 24 * 3600, "start " + start);
            assertTrue(single(p, "process_uptime_seconds", Map.of()) > 0);

            assertEquals(5.0, single(p, "keyward_pool_size", Map.of("pool", "sqlite")));
            assertEquals(1.0, single(p, "keyward_pool_size", Map.of("pool", "sqlite-writer")));
            assertEquals(0.0, single(p, "keyward_pool_in_use", Map.of("pool", "sqlite")), "at rest nothing is lent");
            assertEquals(0.0, single(p, "keyward_pool_waiting", Map.of("pool", "sqlite-writer")));
        }
    }

    @Test
    void aClientThatHangsUpMidRequest_isCountedAsClientClosed_notAs500() throws Exception {
        try (TestNode node = TestNode.start()) {
            try (Socket s = new Socket("127.0.0.1", node.node.port())) {
                s.getOutputStream().write(("POST /v1/keys/k/encrypt HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"plain")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            } // closed with 90 bytes of the body missing
            Http anonymous = new Http(node.base(), null);
            Poll.until("the hung-up request is counted", () -> anonymous.get("/metrics").text()
                    .contains("operation=\"encrypt\",status=\"499\""));
            PrometheusText p = PrometheusText.parse(anonymous.get("/metrics").text());
            assertEquals(1.0, single(p, "keyward_requests_total", Map.of("operation", "encrypt", "status", "499")));
            assertTrue(p.find("keyward_requests_total", Map.of("status", "500")).isEmpty(), "no 5xx: " + p.samples);
        }
    }

    @Test
    void parser_refusesWhatPrometheusWouldRefuse() {
        String head = "# TYPE h histogram\n";
        for (String bad : List.of(
                "undeclared 1\n",
                "# TYPE c counter\nc{a=\"1\" 2\n",
                "# TYPE c counter\nc one\n",
                head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
                head + "h_bucket{le=\"1\"} 2\nh_count 2\n",
                head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n")) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
        PrometheusText.parse(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.5\nh_count 2\n");
    }

    private static double single(PrometheusText p, String name, Map<String, String> labels) {
        List<PrometheusText.Sample> found = p.find(name, labels);
        assertEquals(1, found.size(), name + labels + " in " + p.samples);
        return found.get(0).value();
    }
}
