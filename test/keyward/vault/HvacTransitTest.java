package keyward.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** Transit through a real Vault client, and its interop with Keyward's own API (hvac_transit.py lists every check). */
class HvacTransitTest {
    @Test
    void hvac_transit_everyServedCall_interopWithOwnApi_andAStrangerIsKeptOut() throws Exception {
        try (TestNode node = TestNode.start()) {
            String alice = node.newUser("alice");
            String bob = node.newUser("bob");
            Python.Run r = Python.script("hvac_transit.py", node.base(), alice, bob, node.adminToken);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().endsWith("ALL OK\n"), r.output());
        }
    }
}
