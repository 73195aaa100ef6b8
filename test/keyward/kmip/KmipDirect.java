package keyward.kmip;

import keyward.Http;
import keyward.TestNode;
import keyward.core.AuditTrail;
import keyward.core.Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * For tests that send messages straight to {@link Kmip} on a real node (no socket): the node,
 * users alice (with her REST client) and bob, and the Kmip over the node's core. One node per
 * test class.
 */
abstract class KmipDirect {
    static TestNode node;
    static Kmip kmip;
    static Http aliceRest;
    static final Principal ALICE = new Principal("alice", false);
    static final Principal BOB = new Principal("bob", false);

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        aliceRest = node.http(node.newUser("alice"));
        node.newUser("bob");
        kmip = new Kmip(node.node.core(), AuditTrail.NONE);
    }

    @AfterAll
    static void stop() {
        node.close();
    }
}
