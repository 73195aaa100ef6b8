package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import keyward.Poll;
import keyward.ManualClock;
import keyward.TestNode;
import keyward.config.AddressRange;
import keyward.config.Config;
import keyward.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * trusted_proxies: the real client behind a trusted proxy is who the backoff and the audit see;
 * without it a forged X-Forwarded-For changes nothing; a valid token is never refused for the
 * failures of others.
 */
class TrustedProxiesTest {
    private static final String WHOAMI = "/v1/whoami";

    private final ManualClock now = new ManualClock();
    private final int threshold = AuthBackoff.defaults(now).maxFailures();

    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void behindATrustedProxy_theRightMostUntrustedHopIsTheClient() {
        ClientAddress c = new ClientAddress(List.of("127.0.0.1", "10.0.0.0/8"));
        assertEquals("192.0.2.7", c.of(peer("127.0.0.1"), List.of("198.51.100.1, 192.0.2.7")));
        assertEquals("192.0.2.7", c.of(peer("127.0.0.1"), List.of("6.6.6.6, 192.0.2.7", "10.1.2.3")),
                "trusted hops are skipped, in every header, right to left; what the client wrote is not believed");
        assertEquals("10.1.2.3", c.of(peer("127.0.0.1"), List.of("10.1.2.3")), "only proxies: the left-most");
        assertEquals("10.9.9.9", c.of(peer("127.0.0.1"), List.of("not-an-ip, 10.9.9.9")),
                "garbage stops the walk at the last proxy believed");
        assertEquals("127.0.0.1", c.of(peer("127.0.0.1"), null), "no header: the peer");
        assertEquals("192.0.2.9", c.of(peer("192.0.2.9"), List.of("1.2.3.4")), "an untrusted peer's header is ignored");
    }

    @Test
    void withoutTrustedProxies_theHeaderIsIgnored() {
        assertEquals("127.0.0.1", new ClientAddress(List.of()).of(peer("127.0.0.1"), List.of("192.0.2.7")));
    }

    @Test
    void addressRanges_matchByPrefix_andRefuseHostNames() {
        AddressRange r = AddressRange.parse("10.1.0.0/15");
        assertTrue(r.contains(AddressRange.literal("10.1.255.1")));
        assertTrue(r.contains(AddressRange.literal("10.0.0.1")));
        assertEquals(false, r.contains(AddressRange.literal("10.2.0.1")));
        assertTrue(r.contains(AddressRange.literal("::ffff:10.1.0.1")), "an IPv4-mapped address is that IPv4 address");
        assertEquals(false, r.contains(AddressRange.literal("::a01:1")), "v4 range, v6 address");
        assertTrue(AddressRange.parse("fd00::/8").contains(AddressRange.literal("fd12::1")));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(AddressRange.literal("8.8.8.8")));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("proxy.example.com"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.load(List.of("--trusted-proxies=10.0.0.1,lb.local"), java.util.Map.of()));
        assertTrue(e.getMessage().contains("trusted_proxies") && e.getMessage().contains("lb.local"), e.getMessage());
    }

    @Test
    void behindATrustedProxy_oneClientsBadTokens_doNotBlockAnother() throws Exception {
        try (TestNode node = TestNode.start(now, "--trusted-proxies=127.0.0.1")) {
            int port = node.node.port();
            String good = "Bearer " + node.adminToken;
            for (int i = 0; i < threshold; i++) {
                assertEquals(401, AccessWire.send("127.0.0.1", port, "GET", WHOAMI, "Bearer kw_bad" + i, null,
                        "192.0.2.66").status());
            }
            assertEquals(429, AccessWire.send("127.0.0.1", port, "GET", WHOAMI, "Bearer kw_bad", null,
                    "192.0.2.66").status(), "the failing client is blocked");
            assertEquals(429, AccessWire.send("127.0.0.1", port, "GET", WHOAMI, "Bearer kw_bad", null,
                    "6.6.6.6, 192.0.2.66").status(), "and cannot escape by writing its own X-Forwarded-For");
            assertEquals(200, AccessWire.send("127.0.0.1", port, "GET", WHOAMI, good, null, "192.0.2.10").status(),
                    "another client behind the same proxy");
            assertEquals(401, AccessWire.send("127.0.0.1", port, "GET", WHOAMI, "Bearer kw_other", null,
                    "192.0.2.11").status(), "another client's bad token is a plain 401, not 429");

            Poll.until("the audit log shows the real clients", () -> {
                String audit = node.admin().get("/v1/audit?limit=1000").text();
                return audit.contains("\"192.0.2.66\"") && audit.contains("\"192.0.2.10\"");
            });
        }
    }

    @Test
    void withoutTrustedProxies_aForgedForwardedFor_isIgnored_andThePeerIsBlocked() throws Exception {
        try (TestNode node = TestNode.start(now)) {
            int port = node.node.port();
            String attacker = AccessWire.freshAddress();
            for (int i = 0; i < threshold; i++) {
                assertEquals(401, AccessWire.send(attacker, port, "GET", WHOAMI, "Bearer kw_bad" + i, null,
                        "192.0.2." + (i + 1)).status(), "each forging a different client");
            }
            assertEquals(429, AccessWire.send(attacker, port, "GET", WHOAMI, "Bearer kw_bad", null, "192.0.2.200")
                    .status(), "the backoff applies to the peer address");
        }
    }

    @Test
    void aValidToken_isNever429_forOtherClientsFailuresOnItsAddress() throws Exception {
        try (TestNode node = TestNode.start(now)) {
            int port = node.node.port();
            String shared = AccessWire.freshAddress(); // e.g. a proxy not listed in trusted_proxies
            String good = "Bearer " + node.adminToken;
            String fresh = "Bearer " + node.newUser("bob");
            assertEquals(200, AccessWire.send(shared, port, "GET", WHOAMI, good, null).status());
            for (int i = 0; i < 3 * threshold; i++) {
                int status = AccessWire.send(shared, port, "GET", WHOAMI, "Bearer kw_bad" + i, null).status();
                assertTrue(status == 401 || status == 429, "bad token " + i + ": " + status);
                assertEquals(200, AccessWire.send(shared, port, "GET", WHOAMI, good, null).status(),
                        "the valid token, after bad token " + i);
            }
            assertEquals(429, AccessWire.send(shared, port, "GET", WHOAMI, "Bearer kw_bad", null).status());
            now.advanceMillis(100); // the next budgeted lookup; the block lasts 1 s
            AccessWire.Res bob = AccessWire.send(shared, port, "GET", WHOAMI, fresh, null);
            assertEquals(200, bob.status(), "a valid token not yet cached gets a budgeted lookup: " + bob);
            assertEquals("bob", bob.json().get("user"));
        }
    }
}
