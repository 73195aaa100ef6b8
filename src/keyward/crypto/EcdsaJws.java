package keyward.crypto;

import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA signatures in JWS form (RFC 7518 3.4), as Transit's {@code marshaling_algorithm=jws}:
 *
 * <pre>
 *   ASN.1 DER:  SEQUENCE { INTEGER r, INTEGER s }          (what {@link Signatures} makes)
 *   JWS:        r (n bytes, big-endian) | s (n bytes)       n = 32 (P-256), 48 (P-384), 66 (P-521)
 * </pre>
 *
 * A change of encoding only: no key is involved. Stateless and thread-safe.
 */
public final class EcdsaJws {

    private EcdsaJws() {
    }

    /**
     * The JWS form of a DER signature made by an {@code alg} key.
     *
     * @throws UnsupportedByAlgorithmException unless {@code alg} is an EC algorithm
     * @throws CryptoInputException if {@code der} is not a DER ECDSA signature that fits the curve
     */
    public static byte[] fromDer(Algorithm alg, byte[] der) {
        int n = fieldBytes(alg);
        BigInteger r;
        BigInteger s;
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (seq.size() != 2) {
                throw new CryptoInputException("not an ECDSA signature");
            }
            r = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
            s = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
        } catch (IOException | RuntimeException e) {
            if (e instanceof CryptoInputException c) {
                throw c;
            }
            throw new CryptoInputException("not an ECDSA signature");
        }
        byte[] out = new byte[2 * n];
        put(r, out, 0, n);
        put(s, out, n, n);
        return out;
    }

    /**
     * The DER form of a JWS signature for an {@code alg} key, or null if its length is not twice
     * the curve's field size (such a signature can only be invalid).
     *
     * @throws UnsupportedByAlgorithmException unless {@code alg} is an EC algorithm
     */
    public static byte[] toDer(Algorithm alg, byte[] jws) {
        int n = fieldBytes(alg);
        if (jws == null || jws.length != 2 * n) {
            return null;
        }
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(jws, 0, n));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(jws, n, 2 * n));
        try {
            return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding failed", e);
        }
    }

    private static int fieldBytes(Algorithm alg) {
        if (alg.family != Algorithm.Family.EC) {
            throw new UnsupportedByAlgorithmException("JWS marshaling is for ECDSA keys, not " + alg.id());
        }
        return (alg.size + 7) / 8;
    }

    private static void put(BigInteger v, byte[] out, int offset, int n) {
        byte[] b = v.toByteArray();
        int skip = b.length > n ? b.length - n : 0; // the sign byte of a positive integer
        for (int i = 0; i < skip; i++) {
            if (b[i] != 0) {
                throw new CryptoInputException("ECDSA signature value too large for the curve");
            }
        }
        System.arraycopy(b, skip, out, offset + n - (b.length - skip), b.length - skip);
    }
}
