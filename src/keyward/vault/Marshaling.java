package keyward.vault;

import java.util.Base64;
import keyward.core.KwException;
import keyward.crypto.Algorithm;
import keyward.crypto.EcdsaJws;

/**
 * Transit's {@code marshaling_algorithm}: how signature bytes follow {@code vault:vN:}.
 *
 * <pre>
 *   asn1 (default):  standard base64 of the signature (ECDSA: ASN.1 DER)
 *   jws:             base64url without padding; ECDSA as r | s, each the curve's field size
 *                    (32, 48, 66 bytes), as JWS ES256/ES384/ES512; Ed25519 and RSA bytes unchanged
 * </pre>
 */
enum Marshaling {
    ASN1, JWS;

    /** The named marshaling, asn1 for null; anything else is a 400 naming the allowed values. */
    static Marshaling of(String name) {
        if (name == null || name.equals("asn1")) {
            return ASN1;
        }
        if (name.equals("jws")) {
            return JWS;
        }
        throw KwException.invalid("marshaling_algorithm '" + TransitTypes.clip(name) + "' is unknown; use asn1 or jws");
    }

    /** The text after {@code vault:vN:} for a signature Keyward made (DER for ECDSA). */
    String encode(Algorithm alg, byte[] signature) {
        if (this == ASN1) {
            return Base64.getEncoder().encodeToString(signature);
        }
        byte[] bytes = ecdsa(alg) ? EcdsaJws.fromDer(alg, signature) : signature;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The signature bytes Keyward verifies (DER for ECDSA) from the text after {@code vault:vN:},
     * or null if they cannot be a signature of this key (then the signature is simply invalid).
     * Text that is not this marshaling's base64 is a 400.
     */
    byte[] decode(Algorithm alg, String text) {
        byte[] bytes;
        try {
            if (this == ASN1) {
                bytes = Base64.getDecoder().decode(text);
            } else {
                if (text.indexOf('=') >= 0) {
                    throw new IllegalArgumentException("padding");
                }
                bytes = Base64.getUrlDecoder().decode(text);
            }
        } catch (IllegalArgumentException e) {
            throw KwException.invalid("invalid base64 in signature: marshaling_algorithm " + name().toLowerCase(
                    java.util.Locale.ROOT) + " takes " + (this == ASN1 ? "standard base64" : "base64url without padding"));
        }
        return this == JWS && ecdsa(alg) ? EcdsaJws.toDer(alg, bytes) : bytes;
    }

    private static boolean ecdsa(Algorithm alg) {
        return alg.id().startsWith("ec-");
    }
}
