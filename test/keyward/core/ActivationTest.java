package keyward.core;

import static keyward.core.CoreFixture.ALICE;
import static keyward.core.CoreFixture.codeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-Active keys in the core, so over every front end: a key marked Pre-Active (KMIP's state
 * before activation) refuses encrypt, sign, mac, datakey and rewrap until the mark goes or its
 * Activation Date passes, and still decrypts, verifies, exports and is read.
 */
class ActivationTest {
    private static final byte[] DATA = "pay 10 EUR".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private CoreFixture f;

    @BeforeEach
    void open() {
        f = new CoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private String preActive(String name, String algorithm, Long activationDate) {
        Map<String, String> a = new HashMap<>(Map.of(Activation.STATE_ATTRIBUTE, Activation.PRE_ACTIVE));
        if (activationDate != null) {
            a.put(Activation.DATE_ATTRIBUTE, Long.toString(activationDate));
        }
        return f.keys().create(ALICE, new KeyRequests.Create(name, algorithm, List.of(), a, true, 0)).id();
    }

    @Test
    void aPreActiveKey_refusesToEncryptSignMacAndMakeDataKeys_butDecryptsVerifiesAndExports() {
        String aes = f.create("was-active", "aes-256-gcm");
        String ciphertext = f.crypto().encrypt(ALICE, aes, DATA, null).value();
        // marked Pre-Active afterwards (as a REST PATCH of its attributes may do)
        f.keys().patch(ALICE, aes, new KeyRequests.Patch(null, null,
                Map.of(Activation.STATE_ATTRIBUTE, Activation.PRE_ACTIVE), null, null, null));
        KwException e = assertThrows(KwException.class, () -> f.crypto().encrypt(ALICE, aes, DATA, null));
        assertEquals(ErrorCode.INVALID_STATE, e.code());
        assertTrue(e.getMessage().contains("pre-active") && e.getMessage().contains(aes), e.getMessage());
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().datakey(ALICE, aes, 256, null, true)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().rewrap(ALICE, aes, ciphertext, null)));
        assertEquals("pay 10 EUR", new String(f.crypto().decrypt(ALICE, aes, ciphertext, null), StandardCharsets.UTF_8));

        String signer = preActive("signer", "ec-p256", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().sign(ALICE, signer, DATA, false, null)));
        assertEquals(32, f.crypto().export(ALICE, preActive("exported", "aes-256-gcm", null), null, null)
                .bytes().length, "export works");
        String mac = preActive("mac", "hmac-sha256", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().mac(ALICE, mac, DATA)));
        assertFalse(f.crypto().verify(ALICE, signer, DATA, false, "kw:v1:AAAA", null), "verify still answers");
    }

    @Test
    void theActivationDate_endsPreActive_whenTheClockPassesIt() {
        long at = f.clock.now().getEpochSecond() + 3600;
        String id = preActive("dated", "aes-128-gcm", at);
        assertTrue(Activation.preActive(f.keys().get(ALICE, id), f.clock.now()));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, id, DATA, null)));
        f.clock.advance(Duration.ofSeconds(3600));
        assertFalse(Activation.preActive(f.keys().get(ALICE, id), f.clock.now()), "due at its date exactly");
        assertTrue(f.crypto().encrypt(ALICE, id, DATA, null).value().startsWith("kw:v1:"));
    }

    @Test
    void removingTheMark_activates_andOnlyAnActiveKeyIsPreActive() {
        String id = preActive("marked", "aes-256-gcm", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, id, DATA, null)));
        f.keys().patch(ALICE, id, new KeyRequests.Patch(null, null, Map.of(), null, null, null));
        assertTrue(f.crypto().encrypt(ALICE, id, DATA, null).value().startsWith("kw:v1:"));

        String revoked = preActive("revoked", "aes-256-gcm", null);
        f.keys().revoke(ALICE, revoked, "retired");
        assertFalse(Activation.preActive(f.keys().get(ALICE, revoked), f.clock.now()), "deactivated, not Pre-Active");
        KwException e = assertThrows(KwException.class, () -> f.crypto().encrypt(ALICE, revoked, DATA, null));
        assertTrue(e.getMessage().contains("deactivated"), e.getMessage());

        String odd = preActive("odd-date", "aes-256-gcm", null);
        f.keys().patch(ALICE, odd, new KeyRequests.Patch(null, null, Map.of(Activation.STATE_ATTRIBUTE,
                Activation.PRE_ACTIVE, Activation.DATE_ATTRIBUTE, "tomorrow"), null, null, null));
        assertTrue(Activation.date(f.keys().get(ALICE, odd)).isEmpty());
        assertTrue(Activation.preActive(f.keys().get(ALICE, odd), f.clock.now().plus(Duration.ofDays(999))),
                "an unreadable date never activates; Activate (or removing the mark) does");
    }
}
