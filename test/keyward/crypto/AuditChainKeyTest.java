package keyward.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit chain key: HKDF-SHA256 from the audit key's seed, then HMAC-SHA256; the same after a reload. */
class AuditChainKeyTest {

    @TempDir
    Path dir;

    private static byte[] tag(AuditChainKey k, String data) {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        return k.tagger().tag(b, 0, b.length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(data);
    }

    @Test
    void chainKey_isHkdfOfTheSeedWithItsFixedLabel_thenHmac() throws Exception {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 0x0b);
        byte[] prk = hmac("keyward-audit-chain".getBytes(StandardCharsets.US_ASCII), secret);
        byte[] okm = hmac(prk, "keyward-audit-chain-key-v1\u0001".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(hmac(okm, "entry".getBytes(StandardCharsets.UTF_8)), tag(AuditChainKey.fromSecret(secret), "entry"));
    }

    @Test
    void chainKey_isTheSameAfterAReload_andDiffersBetweenAuditKeys() {
        AuditKey key = AuditKey.generate();
        key.save(dir.resolve("audit.key"));
        AuditChainKey k = AuditChainKey.of(key);
        assertArrayEquals(tag(k, "entry"), tag(AuditChainKey.of(AuditKey.load(dir.resolve("audit.key"))), "entry"));
        assertFalse(Arrays.equals(tag(k, "entry"), tag(AuditChainKey.of(AuditKey.generate()), "entry")));
        assertFalse(Arrays.equals(tag(k, "entry"), tag(k, "entrY")));
        assertEquals(AuditChainKey.TAG_LENGTH, tag(k, "").length);
        assertEquals("AuditChainKey[***]", k.toString());
    }
}
