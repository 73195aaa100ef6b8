package keyward.crypto;

import java.util.Base64;
import java.util.HexFormat;

/** Random API tokens and ids. Thread-safe. */
public final class Tokens {

    /** Prefix of every API token, so that scanners and humans recognise leaked ones. */
    public static final String PREFIX = "kw_";

    private Tokens() {
    }

    /** A new API token: "kw_" and 32 random bytes in base64url without padding (46 characters in all). */
    public static String newToken() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Rand.bytes(32));
    }

    /** A new random id: 16 lower-case hex characters (64 bits). */
    public static String newId() {
        return HexFormat.of().formatHex(Rand.bytes(8));
    }
}
