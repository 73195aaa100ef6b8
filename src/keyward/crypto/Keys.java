package keyward.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * Makes and validates key material for every {@link Algorithm}.
 *
 * <p>Generated and imported asymmetric keys come out in the JDK's canonical PKCS#8 and SPKI
 * encodings. Imports are checked strictly (exact sizes, the right curve, a consistent RSA key), and
 * a refusal is a {@link CryptoInputException} whose message names the algorithm and what it needs,
 * never the bytes. Stateless and thread-safe.
 */
public final class Keys {

    private Keys() {
    }

    /** Fresh material for {@code alg}. RSA-4096 takes seconds. */
    public static KeyMaterial generate(Algorithm alg) {
        switch (alg.family) {
            case AEAD, HMAC, SECRET:
                return KeyMaterial.symmetric(Secret.random(alg.size));
            default:
                break;
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(AsymmetricKeys.jcaType(alg));
            switch (alg.family) {
                case RSA -> gen.initialize(new RSAKeyGenParameterSpec(alg.size, RSAKeyGenParameterSpec.F4),
                        Rand.secureRandom());
                case EC -> gen.initialize(new ECGenParameterSpec(AsymmetricKeys.curveName(alg)), Rand.secureRandom());
                default -> gen.initialize(NamedParameterSpec.ED25519, Rand.secureRandom());
            }
            KeyPair pair = gen.generateKeyPair();
            return new KeyMaterial(Secret.of(pair.getPrivate().getEncoded()), pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK cannot generate " + alg.id() + " keys", e);
        }
    }

    /**
     * Validates caller-supplied material: raw bytes for symmetric keys and secrets, PKCS#8 DER for a
     * private key (its public half is derived), SPKI DER for a public-only key ({@code secret} null).
     * The caller keeps ownership of {@code material}; the result holds its own copy.
     *
     * @throws CryptoInputException if the material does not fit the algorithm
     */
    public static KeyMaterial importMaterial(Algorithm alg, byte[] material) {
        if (material == null) {
            throw new CryptoInputException("material for " + alg.id() + " is missing");
        }
        return switch (alg.family) {
            case AEAD -> symmetric(alg, material, alg.size, alg.size, "must be exactly " + alg.size + " bytes");
            case HMAC -> symmetric(alg, material, 16, 1024, "must be 16 to 1024 bytes");
            case SECRET -> symmetric(alg, material, 1, 65536, "must be 1 to 65536 bytes");
            default -> asymmetric(alg, material);
        };
    }

    private static KeyMaterial symmetric(Algorithm alg, byte[] material, int min, int max, String rule) {
        if (material.length < min || material.length > max) {
            throw new CryptoInputException("material for " + alg.id() + " " + rule + ", got " + material.length);
        }
        return KeyMaterial.symmetric(Secret.copyOf(material));
    }

    private static KeyMaterial asymmetric(Algorithm alg, byte[] material) {
        if (material.length > 16384) {
            throw new CryptoInputException(needs(alg) + "; got " + material.length + " bytes, far too long");
        }
        try {
            PrivateKey priv = parsePrivate(alg, material);
            if (priv != null) {
                if (fits(alg, priv)) {
                    return new KeyMaterial(Secret.of(priv.getEncoded()), AsymmetricKeys.publicHalf(alg, priv));
                }
            } else {
                PublicKey pub = AsymmetricKeys.publicKey(alg, material);
                if (fits(alg, pub)) {
                    return new KeyMaterial(null, pub.getEncoded());
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // the parsers' messages may quote the input: replaced by the rule below
        }
        throw new CryptoInputException(needs(alg));
    }

    /** The PKCS#8 private key in {@code material}, or null if it is not one of this type. */
    private static PrivateKey parsePrivate(Algorithm alg, byte[] material) {
        try {
            return AsymmetricKeys.privateKey(alg, material);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static boolean fits(Algorithm alg, java.security.Key key) throws GeneralSecurityException {
        switch (alg.family) {
            case RSA: {
                BigInteger n = ((RSAKey) key).getModulus();
                if (n.bitLength() != alg.size) {
                    return false;
                }
                if (key instanceof RSAPrivateCrtKey crt) {
                    BigInteger e = crt.getPublicExponent();
                    return e.testBit(0) && e.compareTo(BigInteger.TWO) > 0
                            && crt.getPrimeP().multiply(crt.getPrimeQ()).equals(n);
                }
                return !(key instanceof PrivateKey);
            }
            case EC:
                if (key instanceof ECPrivateKey ec) {
                    return AsymmetricKeys.onCurve(alg, ec.getParams()) && AsymmetricKeys.scalarInRange(ec);
                }
                return AsymmetricKeys.onCurve(alg, ((ECPublicKey) key).getParams());
            default:
                return true;
        }
    }

    private static String needs(Algorithm alg) {
        return switch (alg.family) {
            case RSA -> "material for " + alg.id() + " must be a PKCS#8 (with CRT parameters) or SPKI RSA key with a "
                    + alg.size + "-bit modulus";
            case EC -> "material for " + alg.id() + " must be a PKCS#8 or SPKI key on P-" + alg.size;
            default -> "material for " + alg.id() + " must be a PKCS#8 or SPKI Ed25519 key";
        };
    }
}
