package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchOutcomeTest {

    @Test
    void allOk_isOk_andAllFailedAlike_isThatCode() {
        BatchOutcome ok = new BatchOutcome();
        ok.add(0, "ok");
        ok.add(1, "ok");
        assertEquals("ok", ok.text());
        BatchOutcome refused = new BatchOutcome();
        refused.add(0, "forbidden");
        refused.add(1, "forbidden");
        assertEquals("forbidden", refused.text());
    }

    @Test
    void mixed_countsEachOutcome_andNamesTheFailedItems() {
        BatchOutcome b = new BatchOutcome();
        b.add(0, "ok");
        b.add(1, "forbidden");
        b.add(2, "ok");
        b.add(3, "invalid_request");
        b.add(4, "forbidden");
        assertEquals("ok=2 forbidden=2[1,4] invalid_request=1[3]", b.text());
    }

    @Test
    void thousandFailedItems_keepEveryCount_withinTheLength() {
        BatchOutcome b = new BatchOutcome();
        for (int i = 0; i < 1000; i++) {
            b.add(i, i % 3 == 0 ? "ok" : i % 3 == 1 ? "decryption_failed" : "invalid_request");
        }
        String text = b.text();
        assertTrue(text.length() <= BatchOutcome.MAX_LENGTH, text.length() + ": " + text);
        assertTrue(text.startsWith("ok=334 decryption_failed=333[1,4,7,"), text);
        assertTrue(text.contains("...] invalid_request=333[...]"), "indexes that do not fit end in ...: " + text);
        assertTrue(text.endsWith("]"), text);
    }
}
