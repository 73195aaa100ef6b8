package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlcTest {

    private static final String NODE = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void next_whenTheWallClockStepsBack_stillIncreases() {
        MovableClock clock = new MovableClock();
        Hlc hlc = new Hlc(clock, NODE, List.of());
        String a = hlc.next();
        clock.millis -= 60_000;
        String b = hlc.next();
        String c = hlc.next();
        assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0, a + " " + b + " " + c);
        assertTrue(Hlc.CHANGE_ID.matcher(c).matches());
    }

    @Test
    void observe_aChangeFromAheadClock_makesTheNextIdLater() {
        MovableClock clock = new MovableClock();
        Hlc ahead = new Hlc(clock, "2b4e28ba-2fa1-11d2-883f-0016d3cca427", List.of());
        clock.millis += 3_600_000;
        String remote = ahead.next();
        clock.millis -= 3_600_000;
        Hlc hlc = new Hlc(clock, NODE, List.of());
        hlc.observe(remote);
        assertTrue(hlc.next().compareTo(remote) > 0);
    }

    @Test
    void restart_continuesAfterTheIdsAlreadyIssued() {
        MovableClock clock = new MovableClock();
        String last = new Hlc(clock, NODE, List.of()).next();
        clock.millis -= 1000;
        assertTrue(new Hlc(clock, NODE, List.of(last, "0")).next().compareTo(last) > 0);
        assertEquals(clock.millis + 1000, Hlc.millis(last));
    }

    /** The hand-written check agrees with the pattern, on ids and on near misses of every position. */
    @Test
    void isChangeId_agreesWithThePattern() {
        String good = "0123456789abcdef.aaaaaaaa-0000-4000-8000-000000000001";
        List<String> cases = new java.util.ArrayList<>(List.of(good, "", "0", good + "0", good.substring(1),
                good.toUpperCase(java.util.Locale.ROOT), good.replace('.', '-')));
        for (int i = 0; i < good.length(); i++) {
            for (char c : new char[] {'g', 'A', '-', '.', '0', 'f', '/', ':', '`', '\u00e9'}) {
                cases.add(good.substring(0, i) + c + good.substring(i + 1));
            }
        }
        for (String c : cases) {
            assertEquals(Hlc.CHANGE_ID.matcher(c).matches(), Hlc.isChangeId(c), c);
        }
        assertFalse(Hlc.isChangeId(null));
    }
}
