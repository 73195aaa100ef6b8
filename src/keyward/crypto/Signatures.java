package keyward.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Signing and verification with RSA, EC and Ed25519 keys, over a message or over a digest the
 * caller computed. Output is the standard encoding any tool checks: ECDSA as DER, RSA as the raw
 * signature (modulus length), Ed25519 as 64 bytes. RSA-PSS uses MGF1 with the same hash and a salt
 * as long as the hash.
 *
 * <p>A scheme that does not fit the key gives {@link UnsupportedByAlgorithmException}; a digest of
 * the wrong length gives {@link CryptoInputException}; a bad signature is simply {@code false}.
 * Stateless and thread-safe.
 */
public final class Signatures {

    /** Signature schemes, with the names of the API's {@code algorithm} field. */
    public enum Scheme {
        ECDSA_SHA256("ecdsa-sha256", Hash.SHA256),
        ECDSA_SHA384("ecdsa-sha384", Hash.SHA384),
        ECDSA_SHA512("ecdsa-sha512", Hash.SHA512),
        RSA_PSS_SHA256("rsa-pss-sha256", Hash.SHA256),
        RSA_PSS_SHA384("rsa-pss-sha384", Hash.SHA384),
        RSA_PSS_SHA512("rsa-pss-sha512", Hash.SHA512),
        RSA_PKCS1_SHA256("rsa-pkcs1-sha256", Hash.SHA256),
        RSA_PKCS1_SHA384("rsa-pkcs1-sha384", Hash.SHA384),
        RSA_PKCS1_SHA512("rsa-pkcs1-sha512", Hash.SHA512),
        ED25519("ed25519", null);

        private final String id;
        final Hash hash;

        Scheme(String id, Hash hash) {
            this.id = id;
            this.hash = hash;
        }

        public String id() {
            return id;
        }

        /** The scheme with this name, exact match. */
        public static Optional<Scheme> parse(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
        }

        /** The digest length for prehashed signing, 0 for Ed25519 (which signs only messages). */
        public int digestLength() {
            return hash == null ? 0 : hash.length;
        }

        private boolean pss() {
            return this == RSA_PSS_SHA256 || this == RSA_PSS_SHA384 || this == RSA_PSS_SHA512;
        }

        private Algorithm.Family family() {
            return switch (this) {
                case ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512 -> Algorithm.Family.EC;
                case ED25519 -> Algorithm.Family.ED25519;
                default -> Algorithm.Family.RSA;
            };
        }
    }

    private Signatures() {
    }

    /**
     * The scheme named {@code requestedOrNull}, or the key's default: ecdsa-sha256/-sha384/-sha512 by
     * curve, rsa-pss-sha256, ed25519. Any ecdsa-* fits any curve; RSA keys take PSS and PKCS#1 v1.5.
     *
     * @throws CryptoInputException if the name is not a scheme at all
     * @throws UnsupportedByAlgorithmException if the key does not sign or the scheme does not fit it
     */
    public static Scheme scheme(Algorithm alg, String requestedOrNull) {
        if (!alg.supports(Operation.SIGN)) {
            throw new UnsupportedByAlgorithmException(alg.id() + " keys do not sign or verify");
        }
        if (requestedOrNull == null) {
            return switch (alg.family) {
                case EC -> Scheme.valueOf("ECDSA_" + alg.hash.name());
                case ED25519 -> Scheme.ED25519;
                default -> Scheme.RSA_PSS_SHA256;
            };
        }
        Scheme s = Scheme.parse(requestedOrNull).orElseThrow(() -> new CryptoInputException(
                "signature algorithm '" + requestedOrNull + "' is unknown; use one of "
                        + Arrays.stream(Scheme.values()).map(Scheme::id).collect(Collectors.joining(", "))));
        requireFit(alg, s);
        return s;
    }

    /**
     * Signs {@code data}: the message, or its digest if {@code prehashed}.
     *
     * @throws UnsupportedByAlgorithmException if the scheme does not fit, the key is public-only,
     *         or a digest is given for Ed25519
     * @throws CryptoInputException if a digest has the wrong length
     */
    public static byte[] sign(Algorithm alg, KeyMaterial key, Scheme scheme, byte[] data, boolean prehashed) {
        requireFit(alg, scheme);
        if (!key.hasSecret()) {
            throw new UnsupportedByAlgorithmException("this " + alg.id() + " key version holds only a public key");
        }
        byte[] digest = digestOf(scheme, data, prehashed);
        try {
            if (scheme.family() == Algorithm.Family.EC) {
                return FastSigners.ecdsa(key.secret().revealBytes(), digest);
            }
            if (scheme.family() == Algorithm.Family.ED25519) {
                return FastSigners.ed25519(key.secret().revealBytes(), data);
            }
            PrivateKey priv = AsymmetricKeys.privateKey(alg, key.secret().revealBytes());
            if (scheme.pss()) {
                return RsaPss.sign((RSAPrivateCrtKey) priv, scheme.hash, digest);
            }
            Signature sig = Signature.getInstance(jcaName(scheme));
            sig.initSign(priv, Rand.secureRandom());
            sig.update(input(scheme, data, digest));
            return sig.sign();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(scheme.id() + " signing with a " + alg.id() + " key failed", e);
        }
    }

    /**
     * True if {@code signature} is valid for {@code data} (message, or digest if {@code prehashed})
     * under the public key; false for any wrong or malformed signature.
     *
     * @throws UnsupportedByAlgorithmException as for {@link #sign}
     * @throws CryptoInputException if a digest has the wrong length or the public key is unreadable
     */
    public static boolean verify(Algorithm alg, byte[] publicKeySpki, Scheme scheme, byte[] data, boolean prehashed,
            byte[] signature) {
        requireFit(alg, scheme);
        byte[] digest = digestOf(scheme, data, prehashed);
        PublicKey pub;
        try {
            pub = AsymmetricKeys.publicKey(alg, publicKeySpki);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CryptoInputException("the public key is not a valid " + alg.id() + " key");
        }
        if (signature == null) {
            return false;
        }
        try {
            if (scheme.pss()) {
                return RsaPss.verify((RSAPublicKey) pub, scheme.hash, digest, signature);
            }
            Signature sig = Signature.getInstance(jcaName(scheme));
            sig.initVerify(pub);
            sig.update(input(scheme, data, digest));
            return sig.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // malformed signature: DER garbage, wrong length, out of range
        }
    }

    private static void requireFit(Algorithm alg, Scheme scheme) {
        if (alg.family != scheme.family()) {
            throw new UnsupportedByAlgorithmException(
                    "signature algorithm " + scheme.id() + " does not fit " + alg.id() + " keys");
        }
    }

    /** The digest to sign, or null for Ed25519 (which signs the message itself). */
    private static byte[] digestOf(Scheme scheme, byte[] data, boolean prehashed) {
        if (scheme.hash == null) {
            if (prehashed) {
                throw new UnsupportedByAlgorithmException("ed25519 signs messages, not digests");
            }
            return null;
        }
        if (!prehashed) {
            return scheme.hash.digest(data);
        }
        if (data.length != scheme.hash.length) {
            throw new CryptoInputException("digest is " + data.length + " bytes; " + scheme.id() + " takes a "
                    + scheme.hash.length + "-byte " + scheme.hash.jcaName + " digest");
        }
        return data;
    }

    private static String jcaName(Scheme scheme) {
        return switch (scheme.family()) {
            case EC -> "NONEwithECDSA";
            case ED25519 -> "Ed25519";
            default -> "NONEwithRSA";
        };
    }

    /** What the JCA "NONEwith" signature consumes: the digest, its DigestInfo, or the message. */
    private static byte[] input(Scheme scheme, byte[] message, byte[] digest) {
        return switch (scheme.family()) {
            case EC -> digest;
            case ED25519 -> message;
            default -> scheme.hash.digestInfo(digest);
        };
    }
}
