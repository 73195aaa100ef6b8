package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AlgorithmTest {

    @Test
    void parse_everyApiName_roundTrips() {
        for (Algorithm a : Algorithm.values()) {
            assertEquals(Optional.of(a), Algorithm.parse(a.id()));
        }
        assertEquals("aes-256-gcm", Algorithm.AES_256_GCM.id());
        assertEquals("chacha20-poly1305", Algorithm.CHACHA20_POLY1305.id());
        assertEquals("ec-p521", Algorithm.EC_P521.id());
    }

    @Test
    void parse_unknownOrWrongCase_isEmpty() {
        assertEquals(Optional.empty(), Algorithm.parse("AES-256-GCM"));
        assertEquals(Optional.empty(), Algorithm.parse("des"));
        assertEquals(Optional.empty(), Algorithm.parse(null));
    }

    @Test
    void operationIds_areTheGrantNames() {
        assertEquals("mac-verify", Operation.MAC_VERIFY.id());
        assertEquals("public", Operation.PUBLIC_KEY.id());
        assertEquals(Optional.of(Operation.EXPORT), Operation.parse("export"));
        assertEquals(Optional.empty(), Operation.parse("MAC_VERIFY"));
    }

    @Test
    void supports_followsTheFamilyTable() {
        Set<Operation> aead = EnumSet.of(Operation.ENCRYPT, Operation.DECRYPT, Operation.REWRAP, Operation.DATAKEY,
                Operation.EXPORT);
        Set<Operation> rsa = EnumSet.of(Operation.ENCRYPT, Operation.DECRYPT, Operation.REWRAP, Operation.DATAKEY,
                Operation.SIGN, Operation.VERIFY, Operation.PUBLIC_KEY, Operation.EXPORT);
        Set<Operation> signer = EnumSet.of(Operation.SIGN, Operation.VERIFY, Operation.PUBLIC_KEY, Operation.EXPORT);
        Set<Operation> hmac = EnumSet.of(Operation.MAC, Operation.MAC_VERIFY, Operation.EXPORT);
        for (Algorithm a : Algorithm.values()) {
            Set<Operation> want = switch (a) {
                case AES_128_GCM, AES_192_GCM, AES_256_GCM, CHACHA20_POLY1305 -> aead;
                case RSA_2048, RSA_3072, RSA_4096 -> rsa;
                case EC_P256, EC_P384, EC_P521, ED25519 -> signer;
                case HMAC_SHA256, HMAC_SHA384, HMAC_SHA512 -> hmac;
                case SECRET -> EnumSet.of(Operation.EXPORT);
            };
            for (Operation op : Operation.values()) {
                assertEquals(want.contains(op), a.supports(op), a.id() + " " + op.id());
            }
        }
    }

    @Test
    void asymmetric_isTrueForRsaEcAndEd25519Only() {
        assertTrue(Algorithm.RSA_2048.asymmetric());
        assertTrue(Algorithm.EC_P384.asymmetric());
        assertTrue(Algorithm.ED25519.asymmetric());
        assertFalse(Algorithm.AES_128_GCM.asymmetric());
        assertFalse(Algorithm.HMAC_SHA512.asymmetric());
        assertFalse(Algorithm.SECRET.asymmetric());
    }

    @Test
    void require_unsupportedOperation_namesOperationAndAlgorithm() {
        var e = assertThrows(UnsupportedByAlgorithmException.class, () -> Algorithm.AES_256_GCM.require(Operation.SIGN));
        assertEquals("sign is not supported by aes-256-gcm keys", e.getMessage());
    }

    @Test
    void maxPlaintextLength_isTheOaepLimitForRsa() {
        assertEquals(190, Algorithm.RSA_2048.maxPlaintextLength());
        assertEquals(318, Algorithm.RSA_3072.maxPlaintextLength());
        assertEquals(446, Algorithm.RSA_4096.maxPlaintextLength());
    }
}
