package keyward.core;

import java.util.Base64;

/**
 * The string form of ciphertexts, signatures and MACs: {@code kw:v<number>:<base64>}. The number
 * names the version for humans and routing; for ciphertexts the key id inside the blob decides.
 */
public final class Ciphertexts {
    private Ciphertexts() {
    }

    /** A parsed string form. */
    public record Parsed(int version, byte[] blob) {
    }

    public static String format(int version, byte[] blob) {
        return "kw:v" + version + ":" + Base64.getEncoder().encodeToString(blob);
    }

    /** Parses the string form; a malformed one is a request error naming the field. */
    public static Parsed parse(String field, String s) {
        if (s.startsWith("kw:v")) {
            int colon = s.indexOf(':', 4);
            if (colon > 4 && colon - 4 <= 9) {
                int version = 0;
                boolean digits = true;
                for (int i = 4; i < colon; i++) {
                    char c = s.charAt(i);
                    if (c < '0' || c > '9') {
                        digits = false;
                        break;
                    }
                    version = version * 10 + (c - '0');
                }
                if (digits && version > 0) {
                    try {
                        return new Parsed(version, Base64.getDecoder().decode(s.substring(colon + 1)));
                    } catch (IllegalArgumentException e) {
                        throw KwException.invalid("field '" + field + "' has invalid base64 after its kw:v<n>: prefix");
                    }
                }
            }
        }
        throw KwException.invalid("field '" + field + "' must be of the form kw:v<n>:<base64>");
    }
}
