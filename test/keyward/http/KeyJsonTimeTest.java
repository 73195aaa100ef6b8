package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyJsonTimeTest {

    @Test
    void time_writesWhatInstantToStringWrites() {
        Random r = new Random(7);
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochMilli(Math.floorMod(r.nextLong(), max + 1));
            if (i % 3 == 0) {
                t = Instant.ofEpochSecond(t.getEpochSecond()); // whole seconds: no fraction
            }
            assertEquals(t.toString(), KeyJson.time(t));
        }
        for (String s : new String[] {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.001Z", "2026-11-22T04:49:18.120Z",
                "1969-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000001Z", "+10000-01-01T00:00:00Z"}) {
            Instant t = Instant.parse(s);
            assertEquals(t.toString(), KeyJson.time(t));
        }
    }
}
