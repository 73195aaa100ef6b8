package keyward.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.crypto.Mac;

/** HKDF-Expand with HMAC-SHA256 (RFC 5869, section 2.3), for keys derived from a uniform key. */
final class Hkdf {
    private static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    /** {@code length} bytes (at most 255 × 32) of HKDF-Expand-SHA256(prk, info). */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-Expand yields 1.." + 255 * HASH_LENGTH + " bytes, not " + length);
        }
        Mac mac = Macs.keyed(Hash.SHA256, prk);
        ByteArrayOutputStream okm = new ByteArrayOutputStream(length + HASH_LENGTH);
        byte[] t = new byte[0];
        for (int i = 1; okm.size() < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            Arrays.fill(t, (byte) 0);
            t = mac.doFinal();
            okm.writeBytes(t);
        }
        Arrays.fill(t, (byte) 0);
        byte[] all = okm.toByteArray();
        byte[] out = Arrays.copyOf(all, length);
        Arrays.fill(all, (byte) 0);
        return out;
    }
}
