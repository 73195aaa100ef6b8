package keyward.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import keyward.store.KeyVersion;
import org.junit.jupiter.api.Test;

class CiphertextsTest {

    @Test
    void format_thenParse_roundTripsVersionAndBytes() {
        byte[] blob = {0, 1, 2, (byte) 0xff, 42};
        String s = Ciphertexts.format(17, blob);
        assertEquals("kw:v17:AAEC/yo=", s);
        Ciphertexts.Parsed p = Ciphertexts.parse("ciphertext", s);
        assertEquals(17, p.version());
        assertArrayEquals(blob, p.blob());
    }

    @Test
    void parse_acceptsLargestNineDigitVersion() {
        assertEquals(999_999_999, Ciphertexts.parse("c", "kw:v999999999:AA==").version());
    }

    @Test
    void parse_malformedPrefixes_areRequestErrorsNamingTheField() {
        for (String bad : List.of("", "kw:", "kw:v", "kw:v:AA==", "kw:v0:AA==", "kw:v-1:AA==", "kw:vx:AA==",
                "kw:v1", "KW:V1:AA==", "kw:v1234567890:AA==", "vault:v1:AA==", " kw:v1:AA==", "kw:v+1:AA==")) {
            KwException e = assertThrows(KwException.class, () -> Ciphertexts.parse("signature", bad), bad);
            assertEquals(ErrorCode.INVALID_REQUEST, e.code());
            assertTrue(e.getMessage().contains("'signature'"), e.getMessage());
        }
    }

    @Test
    void parse_badBase64AfterAGoodPrefix_saysSo() {
        KwException e = assertThrows(KwException.class, () -> Ciphertexts.parse("mac", "kw:v1:not base64!"));
        assertTrue(e.getMessage().contains("invalid base64"), e.getMessage());
    }

    @Test
    void prefixFits_onlyTheNumberTheVersionWasIssuedWith() {
        KeyVersion v3 = new KeyVersion(3, 77, "kek", new byte[1], null, java.time.Instant.EPOCH);
        assertEquals(3, v3.issued());
        assertTrue(CryptoService.prefixFits(3, v3));
        assertFalse(CryptoService.prefixFits(2, v3), "a lower prefix is forged");
        assertFalse(CryptoService.prefixFits(1, v3), "a lower prefix is forged");
        assertFalse(CryptoService.prefixFits(4, v3), "a higher prefix is forged");
    }

    @Test
    void prefixFits_afterARenumbering_theIssuedNumberTheNumberNowAndThoseBetween() {
        KeyVersion issuedAs2 = new KeyVersion(2, 77, "kek", new byte[1], null, java.time.Instant.EPOCH).renumbered(4);
        assertEquals(4, issuedAs2.version());
        for (int n = 1; n <= 6; n++) {
            assertEquals(n >= 2 && n <= 4, CryptoService.prefixFits(n, issuedAs2), "kw:v" + n + ":");
        }
        KeyVersion movedDown = new KeyVersion(5, 78, "kek", new byte[1], null, java.time.Instant.EPOCH).renumbered(3);
        assertTrue(CryptoService.prefixFits(5, movedDown));
        assertTrue(CryptoService.prefixFits(3, movedDown));
        assertFalse(CryptoService.prefixFits(2, movedDown));
        assertFalse(CryptoService.prefixFits(6, movedDown));
    }

    @Test
    void prefixFits_aVersionStoredBeforeIssuedNumbers_keepsTheEarlierRule() {
        KeyVersion legacy = new KeyVersion(3, 77, "kek", new byte[1], null, java.time.Instant.EPOCH, 0);
        assertTrue(CryptoService.prefixFits(3, legacy));
        assertTrue(CryptoService.prefixFits(1, legacy));
        assertFalse(CryptoService.prefixFits(4, legacy));
    }
}
