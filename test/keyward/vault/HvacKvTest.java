package keyward.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import keyward.TestNode;
import org.junit.jupiter.api.Test;

/** KV v2, sys and token calls through a real Vault client (hvac_kv.py lists every check). */
class HvacKvTest {
    @Test
    void hvac_kvV2_everyCall_andAStrangerIsKeptOut() throws Exception {
        try (TestNode node = TestNode.start()) {
            String alice = node.newUser("alice");
            String bob = node.newUser("bob");
            Python.Run r = Python.script("hvac_kv.py", node.base(), alice, bob);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().endsWith("ALL OK\n"), r.output());
        }
    }
}
