package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcdsaJwsTest {
    private static final byte[] MESSAGE = "jws".getBytes(StandardCharsets.US_ASCII);

    @Test
    void derAndJws_roundTrip_atTheCurvesFixedSize_andTheDerStillVerifies() {
        Map<Algorithm, Integer> sizes = Map.of(Algorithm.EC_P256, 64, Algorithm.EC_P384, 96, Algorithm.EC_P521, 132);
        for (var e : sizes.entrySet()) {
            Algorithm a = e.getKey();
            KeyMaterial key = TestKeys.of(a);
            Signatures.Scheme s = Signatures.scheme(a, null);
            for (int i = 0; i < 20; i++) { // short r or s (leading zero bytes) come up among these
                byte[] der = Signatures.sign(a, key, s, MESSAGE, false);
                byte[] jws = EcdsaJws.fromDer(a, der);
                assertEquals(e.getValue(), jws.length, a.id());
                byte[] back = EcdsaJws.toDer(a, jws);
                assertArrayEquals(der, back, a.id());
                assertTrue(Signatures.verify(a, key.publicKey(), s, MESSAGE, false, back), a.id());
            }
        }
    }

    @Test
    void knownAnswer_smallIntegers_arePaddedOnTheLeft() {
        byte[] der = HexFormat.of().parseHex("300702010102020080"); // r = 1, s = 128 (with DER's sign byte)
        byte[] jws = EcdsaJws.fromDer(Algorithm.EC_P256, der);
        byte[] expected = new byte[64];
        expected[31] = 1;
        expected[63] = (byte) 0x80;
        assertArrayEquals(expected, jws);
        assertArrayEquals(der, EcdsaJws.toDer(Algorithm.EC_P256, jws));
    }

    @Test
    void toDer_ofTheWrongLength_isNull() {
        assertNull(EcdsaJws.toDer(Algorithm.EC_P256, new byte[63]));
        assertNull(EcdsaJws.toDer(Algorithm.EC_P256, new byte[96]));
    }

    @Test
    void fromDer_ofGarbageOrTooLargeValues_isACryptoInputError() {
        assertThrows(CryptoInputException.class, () -> EcdsaJws.fromDer(Algorithm.EC_P256, new byte[] {1, 2, 3}));
        byte[] big = new byte[2 + 2 + 33 + 3];
        big[0] = 0x30;
        big[1] = (byte) (big.length - 2);
        big[2] = 0x02;
        big[3] = 33;
        big[4] = 0x7f; // a 33-byte r does not fit P-256
        big[37] = 0x02;
        big[38] = 1;
        big[39] = 1;
        assertThrows(CryptoInputException.class, () -> EcdsaJws.fromDer(Algorithm.EC_P256, big));
    }

    @Test
    void onlyEcKeys_haveAJwsForm() {
        assertThrows(UnsupportedByAlgorithmException.class, () -> EcdsaJws.fromDer(Algorithm.ED25519, new byte[64]));
        assertThrows(UnsupportedByAlgorithmException.class, () -> EcdsaJws.toDer(Algorithm.RSA_2048, new byte[64]));
    }
}
