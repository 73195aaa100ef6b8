package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When Encrypt and Decrypt are raw rather than Keyward's envelope, and the key pair's UIDs. */
class CryptoOpsRulesTest {
    private static final String ID = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";

    private static Ttlv payload(Ttlv... items) {
        return Ttlv.structure(Tags.REQUEST_PAYLOAD, List.of(items));
    }

    private static Ttlv params(Ttlv... items) {
        return Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS, List.of(items));
    }

    @Test
    void raw_onlyWhenTheParametersAskForIt() {
        Ttlv gcm = Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, Enums.GCM);
        assertFalse(CryptoOps.raw(payload(Msg.uid(ID))), "no parameters: the envelope");
        assertFalse(CryptoOps.raw(payload(Msg.uid(ID), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]))),
                "an IV alone stays the envelope's (and is refused there)");
        assertFalse(CryptoOps.raw(payload(Msg.uid(ID), params(gcm))), "GCM alone: the envelope, as before");
        assertFalse(CryptoOps.raw(payload(Msg.uid(ID), params(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(gcm), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(gcm, Ttlv.bool(Tags.RANDOM_IV, true)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(gcm, Ttlv.integer(Tags.TAG_LENGTH, 16)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(gcm), Ttlv.bytes(Tags.AE_TAG, new byte[16]))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, CryptoOps.CBC)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(Ttlv.enumeration(Tags.PADDING_METHOD, CryptoOps.PAD_OAEP)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID), params(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.RSA)))));
        assertTrue(CryptoOps.raw(payload(Msg.uid(ID + "-pub"))), "a Public Key's UID");
        assertFalse(CryptoOps.raw(payload(Ttlv.integer(Tags.UNIQUE_IDENTIFIER, 7))), "a wrongly typed UID is the envelope's to refuse");
    }

    @Test
    void publicKeyUids_nameTheKeyWithASuffix() {
        assertEquals(java.util.Optional.of(new KeyObjects.Ref(ID, true)), KeyObjects.parseUid(ID + "-pub"));
        assertEquals(java.util.Optional.of(new KeyObjects.Ref(ID, false)), KeyObjects.parseUid(ID));
        assertEquals(java.util.Optional.of(new KeyObjects.Ref(ID, true)),
                KeyObjects.parseUid(ID.toUpperCase(java.util.Locale.ROOT) + "-pub"));
        assertEquals(java.util.Optional.empty(), KeyObjects.parseUid("not-a-uuid-at-all-but-36-characters-pub"));
        assertEquals(java.util.Optional.empty(), KeyObjects.parseUid("some-name"));
        assertEquals(java.util.Optional.empty(), KeyObjects.parseUid(ID + "-pubx"));
    }
}
