package keyward.core;

import static keyward.core.CoreFixture.ALICE;
import static keyward.core.CoreFixture.codeOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CryptoServiceTest {
    private static final byte[] DATA = "card 4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "order-42".getBytes(StandardCharsets.UTF_8);

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

    /** Every decrypt failure is the same exception with the same message, whatever the cause. */
    private static void assertOpaqueFailure(Executable e) {
        KwException x = assertThrows(KwException.class, e);
        assertEquals(ErrorCode.DECRYPTION_FAILED, x.code());
        assertEquals("decryption failed", x.getMessage());
    }

    @Test
    void encrypt_thenDecrypt_roundTripsWithAad_forEveryAeadAlgorithm() {
        for (String alg : List.of("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305")) {
            f.create(alg, alg);
            CryptoService.Output out = f.crypto().encrypt(ALICE, alg, DATA, AAD);
            assertTrue(out.value().startsWith("kw:v1:"), out.value());
            assertArrayEquals(DATA, f.crypto().decrypt(ALICE, alg, out.value(), AAD), alg);
        }
    }

    @Test
    void decrypt_withOtherOrMissingAad_isRefusedOpaquely() {
        f.create("payments", "aes-256-gcm");
        String ct = f.crypto().encrypt(ALICE, "payments", DATA, AAD).value();
        assertOpaqueFailure(() -> f.crypto().decrypt(ALICE, "payments", ct, "order-43".getBytes(StandardCharsets.UTF_8)));
        assertOpaqueFailure(() -> f.crypto().decrypt(ALICE, "payments", ct, null));
    }

    @Test
    void decrypt_ciphertextOfAnotherKey_isRefusedOpaquely() {
        f.create("a", "aes-256-gcm");
        f.create("b", "aes-256-gcm");
        String ofA = f.crypto().encrypt(ALICE, "a", DATA, null).value();
        assertOpaqueFailure(() -> f.crypto().decrypt(ALICE, "b", ofA, null));
    }

    @Test
    void decrypt_anyFlippedByteOfTheBlob_isRefusedOpaquely() {
        f.create("payments", "aes-256-gcm");
        Ciphertexts.Parsed p = Ciphertexts.parse("c", f.crypto().encrypt(ALICE, "payments", DATA, AAD).value());
        for (int i = 0; i < p.blob().length; i++) {
            byte[] bad = p.blob().clone();
            bad[i] ^= 0x01;
            String tampered = Ciphertexts.format(p.version(), bad);
            assertOpaqueFailure(() -> f.crypto().decrypt(ALICE, "payments", tampered, AAD));
        }
    }

    @Test
    void decrypt_oldVersionsCiphertextRelabelledAsTheCurrentVersion_isRefused() {
        f.create("payments", "aes-256-gcm");
        String v1 = f.crypto().encrypt(ALICE, "payments", DATA, null).value();
        f.keys().rotate(ALICE, "payments");
        assertArrayEquals(DATA, f.crypto().decrypt(ALICE, "payments", v1, null));
        assertOpaqueFailure(() -> f.crypto().decrypt(ALICE, "payments", "kw:v2:" + v1.substring("kw:v1:".length()), null));
    }

    @Test
    void sign_thenVerify_acceptsTheData_andRejectsOtherDataOrAnotherKeysSignature() {
        f.create("signer", "ed25519");
        f.create("other", "ec-p256");
        String sig = f.crypto().sign(ALICE, "signer", DATA, false, null).value();
        assertTrue(f.crypto().verify(ALICE, "signer", DATA, false, sig, null));
        assertFalse(f.crypto().verify(ALICE, "signer", AAD, false, sig, null));
        String otherSig = f.crypto().sign(ALICE, "other", DATA, false, null).value();
        assertTrue(f.crypto().verify(ALICE, "other", DATA, false, otherSig, null));
        assertFalse(f.crypto().verify(ALICE, "signer", DATA, false, otherSig, null));
    }

    @Test
    void verify_signatureOfAnOldVersion_stillVerifiesAfterRotation_untilMinDecryptionVersionPassesIt() {
        f.create("signer", "ed25519");
        String sig = f.crypto().sign(ALICE, "signer", DATA, false, null).value();
        f.keys().rotate(ALICE, "signer");
        assertTrue(f.crypto().verify(ALICE, "signer", DATA, false, sig, null));
        f.keys().patch(ALICE, "signer", new KeyRequests.Patch(null, null, null, 2, null, null));
        assertFalse(f.crypto().verify(ALICE, "signer", DATA, false, sig, null));
    }

    @Test
    void mac_thenMacVerify_matchesOnlyTheSameMessage() {
        f.create("tagger", "hmac-sha256");
        String mac = f.crypto().mac(ALICE, "tagger", DATA).value();
        assertTrue(f.crypto().macVerify(ALICE, "tagger", DATA, mac));
        assertFalse(f.crypto().macVerify(ALICE, "tagger", AAD, mac));
        assertEquals(mac, f.crypto().mac(ALICE, "tagger", DATA).value());  // deterministic
    }

    @Test
    void operationTheAlgorithmLacks_isInvalidState() {
        f.create("tagger", "hmac-sha256");
        f.create("payments", "aes-256-gcm");
        assertEquals(ErrorCode.INVALID_STATE, assertThrows(KwException.class,
                () -> f.crypto().encrypt(ALICE, "tagger", DATA, null)).code());
        assertEquals(ErrorCode.INVALID_STATE, assertThrows(KwException.class,
                () -> f.crypto().mac(ALICE, "payments", DATA)).code());
    }

    @Test
    void datakey_isWrappedUnderTheKey_andPlaintextOnlyWhenAskedFor() {
        f.create("payments", "aes-256-gcm");
        CryptoService.DataKey dk = f.crypto().datakey(ALICE, "payments", 256, AAD, true);
        assertEquals(32, dk.plaintext().length);
        assertArrayEquals(dk.plaintext(), f.crypto().decrypt(ALICE, "payments", dk.ciphertext(), AAD));
        assertNull(f.crypto().datakey(ALICE, "payments", 128, null, false).plaintext());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(KwException.class,
                () -> f.crypto().datakey(ALICE, "payments", 192, null, true)).code());
    }

    // ---- Pre-Active keys (KMIP's state before activation): refused by the core, so over every front end ----

    private static final byte[] PAY = "pay 10 EUR".getBytes(StandardCharsets.UTF_8);

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
        String ciphertext = f.crypto().encrypt(ALICE, aes, PAY, null).value();
        // marked Pre-Active afterwards (as a REST PATCH of its attributes may do)
        f.keys().patch(ALICE, aes, new KeyRequests.Patch(null, null,
                Map.of(Activation.STATE_ATTRIBUTE, Activation.PRE_ACTIVE), null, null, null));
        KwException e = assertThrows(KwException.class, () -> f.crypto().encrypt(ALICE, aes, PAY, null));
        assertEquals(ErrorCode.INVALID_STATE, e.code());
        assertTrue(e.getMessage().contains("pre-active") && e.getMessage().contains(aes), e.getMessage());
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().datakey(ALICE, aes, 256, null, true)));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().rewrap(ALICE, aes, ciphertext, null)));
        assertEquals("pay 10 EUR", new String(f.crypto().decrypt(ALICE, aes, ciphertext, null), StandardCharsets.UTF_8));

        String signer = preActive("signer", "ec-p256", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().sign(ALICE, signer, PAY, false, null)));
        assertEquals(32, f.crypto().export(ALICE, preActive("exported", "aes-256-gcm", null), null, null)
                .bytes().length, "export works");
        String mac = preActive("mac", "hmac-sha256", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().mac(ALICE, mac, PAY)));
        assertFalse(f.crypto().verify(ALICE, signer, PAY, false, "kw:v1:AAAA", null), "verify still answers");
    }

    @Test
    void theActivationDate_endsPreActive_whenTheClockPassesIt() {
        long at = f.clock.now().getEpochSecond() + 3600;
        String id = preActive("dated", "aes-128-gcm", at);
        assertTrue(Activation.preActive(f.keys().get(ALICE, id), f.clock.now()));
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, id, PAY, null)));
        f.clock.advance(Duration.ofSeconds(3600));
        assertFalse(Activation.preActive(f.keys().get(ALICE, id), f.clock.now()), "due at its date exactly");
        assertTrue(f.crypto().encrypt(ALICE, id, PAY, null).value().startsWith("kw:v1:"));
    }

    @Test
    void removingTheMark_activates_andOnlyAnActiveKeyIsPreActive() {
        String id = preActive("marked", "aes-256-gcm", null);
        assertEquals(ErrorCode.INVALID_STATE, codeOf(() -> f.crypto().encrypt(ALICE, id, PAY, null)));
        f.keys().patch(ALICE, id, new KeyRequests.Patch(null, null, Map.of(), null, null, null));
        assertTrue(f.crypto().encrypt(ALICE, id, PAY, null).value().startsWith("kw:v1:"));

        String revoked = preActive("revoked", "aes-256-gcm", null);
        f.keys().revoke(ALICE, revoked, "retired");
        assertFalse(Activation.preActive(f.keys().get(ALICE, revoked), f.clock.now()), "deactivated, not Pre-Active");
        KwException e = assertThrows(KwException.class, () -> f.crypto().encrypt(ALICE, revoked, PAY, null));
        assertTrue(e.getMessage().contains("deactivated"), e.getMessage());

        String odd = preActive("odd-date", "aes-256-gcm", null);
        f.keys().patch(ALICE, odd, new KeyRequests.Patch(null, null, Map.of(Activation.STATE_ATTRIBUTE,
                Activation.PRE_ACTIVE, Activation.DATE_ATTRIBUTE, "tomorrow"), null, null, null));
        assertTrue(Activation.date(f.keys().get(ALICE, odd)).isEmpty());
        assertTrue(Activation.preActive(f.keys().get(ALICE, odd), f.clock.now().plus(Duration.ofDays(999))),
                "an unreadable date never activates; Activate (or removing the mark) does");
    }
}
