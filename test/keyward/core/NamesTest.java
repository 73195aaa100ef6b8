package keyward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void validName_acceptsLettersDigitsDotsDashesUnderscoresUpTo128() {
        assertTrue(Names.validName("a"));
        assertTrue(Names.validName("Payments_2026.v-1"));
        assertTrue(Names.validName("x".repeat(128)));
        assertFalse(Names.validName("x".repeat(129)));
    }

    @Test
    void validName_refusesLeadingPunctuationSpacesSlashesAndUnicode() {
        for (String bad : List.of("", ".hidden", "-x", "_x", "a b", "a/b", "a:b", "ключ", "caf\u00e9", "a\nb")) {
            assertFalse(Names.validName(bad), bad);
        }
    }

    @Test
    void validName_refusesUuidLookingNames_inAnyCase() {
        assertFalse(Names.validName("0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b"));
        assertFalse(Names.validName("0190A5B2-1C3D-7E4F-8A9B-0C1D2E3F4A5B"));
        assertTrue(Names.isUuid("0190A5B2-1C3D-7E4F-8A9B-0C1D2E3F4A5B"));
        assertFalse(Names.isUuid("0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5"));
    }

    @Test
    void checkKeyName_namesTheFieldInItsMessage() {
        KwException e = assertThrows(KwException.class, () -> Names.checkKeyName("name", "bad name"));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("'name'"), e.getMessage());
    }

    @Test
    void checkUserName_allowsUuidShapedNames_butNotUnicode() {
        Names.checkUserName("user", "0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b");
        assertThrows(KwException.class, () -> Names.checkUserName("user", "b\u00f6b"));
    }

    @Test
    void checkTags_acceptsUnicode_refusesEmptyLongControlAndTooMany() {
        Names.checkTags(List.of("pci", "équipe-ü", "t".repeat(Names.MAX_TAG_LENGTH)));
        for (String bad : List.of("", "t".repeat(Names.MAX_TAG_LENGTH + 1), "a\u0000b", "tab\t", "del\u007f", "c1\u0085")) {
            assertThrows(KwException.class, () -> Names.checkTags(List.of(bad)), bad);
        }
        Names.checkTags(Collections.nCopies(Names.MAX_TAGS, "t"));
        assertThrows(KwException.class, () -> Names.checkTags(Collections.nCopies(Names.MAX_TAGS + 1, "t")));
    }

    @Test
    void checkAttributes_boundsNamesAndValues() {
        Names.checkAttributes(Map.of("team", "v".repeat(Names.MAX_ATTRIBUTE_VALUE), "ünï", "cødé", "empty", ""));
        assertThrows(KwException.class, () -> Names.checkAttributes(Map.of("", "v")));
        assertThrows(KwException.class, () -> Names.checkAttributes(Map.of("n".repeat(Names.MAX_TAG_LENGTH + 1), "v")));
        assertThrows(KwException.class, () -> Names.checkAttributes(Map.of("a\rb", "v")));
        assertThrows(KwException.class,
                () -> Names.checkAttributes(Map.of("team", "v".repeat(Names.MAX_ATTRIBUTE_VALUE + 1))));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= Names.MAX_ATTRIBUTES; i++) {
            many.put("k" + i, "v");
        }
        assertThrows(KwException.class, () -> Names.checkAttributes(many));
    }

    @Test
    void checkAttributes_controlCharacterInValue_isRefusedNamingTheAttributeNotEchoingTheValue() {
        KwException e = assertThrows(KwException.class, () -> Names.checkAttributes(Map.of("team", "evil\u001b[31m")));
        assertTrue(e.getMessage().contains("'team'"), e.getMessage());
        assertFalse(e.getMessage().contains("evil"), e.getMessage());
    }
}
