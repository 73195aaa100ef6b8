package keyward.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** JCA key objects for RSA, EC and Ed25519 material, and the public half of a private key. */
final class AsymmetricKeys {

    /** SPKI DER of an Ed25519 key, up to the 32 raw key bytes (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private AsymmetricKeys() {
    }

    /** The JCA key algorithm name: "RSA", "EC" or "Ed25519". */
    static String jcaType(Algorithm alg) {
        return switch (alg.family) {
            case RSA -> "RSA";
            case EC -> "EC";
            case ED25519 -> "Ed25519";
            default -> throw new IllegalArgumentException(alg.id() + " is not asymmetric");
        };
    }

    /** The standard name of the curve: "secp256r1". */
    static String curveName(Algorithm alg) {
        return switch (alg) {
            case EC_P256 -> "secp256r1";
            case EC_P384 -> "secp384r1";
            case EC_P521 -> "secp521r1";
            default -> throw new IllegalArgumentException(alg.id() + " is not an EC algorithm");
        };
    }

    /** Parses PKCS#8 DER as a private key of the algorithm's type (curve and size unchecked). */
    static PrivateKey privateKey(Algorithm alg, byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(jcaType(alg)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Parses SPKI DER as a public key of the algorithm's type (curve and size unchecked). */
    static PublicKey publicKey(Algorithm alg, byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance(jcaType(alg)).generatePublic(new X509EncodedKeySpec(spki));
    }

    /** The SPKI DER of the public half of {@code key}. */
    static byte[] publicHalf(Algorithm alg, PrivateKey key) throws GeneralSecurityException {
        switch (alg.family) {
            case RSA: {
                RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded();
            }
            case EC: {
                X9ECParameters curve = ECNamedCurveTable.getByName(curveName(alg));
                org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier()
                        .multiply(curve.getG(), ((ECPrivateKey) key).getS()).normalize();
                ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                return KeyFactory.getInstance("EC")
                        .generatePublic(new ECPublicKeySpec(w, ((ECKey) key).getParams())).getEncoded();
            }
            case ED25519: {
                byte[] seed = ((java.security.interfaces.EdECPrivateKey) key).getBytes()
                        .orElseThrow(() -> new GeneralSecurityException("Ed25519 key without bytes"));
                try {
                    byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
                    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
                    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
                    return spki;
                } finally {
                    Arrays.fill(seed, (byte) 0);
                }
            }
            default:
                throw new IllegalArgumentException(alg.id() + " is not asymmetric");
        }
    }

    /** True if {@code params} are exactly those of the algorithm's named curve. */
    static boolean onCurve(Algorithm alg, ECParameterSpec params) throws GeneralSecurityException {
        AlgorithmParameters named = AlgorithmParameters.getInstance("EC");
        named.init(new ECGenParameterSpec(curveName(alg)));
        ECParameterSpec want = named.getParameterSpec(ECParameterSpec.class);
        return want.getCurve().equals(params.getCurve()) && want.getGenerator().equals(params.getGenerator())
                && want.getOrder().equals(params.getOrder()) && want.getCofactor() == params.getCofactor();
    }

    /** True if the private scalar lies in [1, n-1]. */
    static boolean scalarInRange(ECPrivateKey key) {
        BigInteger s = key.getS();
        return s.signum() > 0 && s.compareTo(key.getParams().getOrder()) < 0;
    }
}
