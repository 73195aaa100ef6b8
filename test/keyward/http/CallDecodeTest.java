package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import keyward.core.KwException;
import org.junit.jupiter.api.Test;

class CallDecodeTest {

    @Test
    void decode_percentEscapesAsUtf8_andPlusOnlyInQueries() {
        assertEquals("A\u20ac b+c", Call.decode("%41%E2%82%ac b+c", false));
        assertEquals("a b", Call.decode("a+b", true));
    }

    @Test
    void decode_escapesWithNonAsciiOrMissingDigits_areRefused() {
        // Character.digit reads Arabic-Indic, fullwidth and Devanagari digits as 4 and 1: none of these is "%41"
        for (String bad : new String[] {"%\u0664\u0661", "%\uff14\uff11", "%\u096a1", "x%4", "%", "%g1"}) {
            KwException e = assertThrows(KwException.class, () -> Call.decode(bad, false), bad);
            assertEquals("bad percent-encoding in the URL", e.getMessage());
        }
    }
}
