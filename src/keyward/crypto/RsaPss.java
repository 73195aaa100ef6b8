package keyward.crypto;

import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * RSASSA-PSS over a digest the caller already computed (the JDK only signs whole messages).
 * MGF1 uses the same hash and the salt is as long as the hash, so the result is the ordinary
 * PSS signature of the message whose digest it is, as openssl and the JDK check it.
 */
final class RsaPss {

    private RsaPss() {
    }

    static byte[] sign(RSAPrivateCrtKey key, Hash hash, byte[] digest) {
        RSAPrivateCrtKeyParameters params = new RSAPrivateCrtKeyParameters(key.getModulus(), key.getPublicExponent(),
                key.getPrivateExponent(), key.getPrimeP(), key.getPrimeQ(), key.getPrimeExponentP(),
                key.getPrimeExponentQ(), key.getCrtCoefficient());
        PSSSigner signer = signer(hash);
        signer.init(true, new ParametersWithRandom(params, Rand.secureRandom()));
        signer.update(digest, 0, digest.length);
        byte[] sig;
        try {
            sig = signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("RSA-PSS signing failed", e);
        }
        int k = (key.getModulus().bitLength() + 7) / 8;
        if (sig.length < k) {
            // a signature is always as long as the modulus, leading zeros included
            byte[] padded = new byte[k];
            System.arraycopy(sig, 0, padded, k - sig.length, sig.length);
            return padded;
        }
        return sig;
    }

    static boolean verify(RSAPublicKey key, Hash hash, byte[] digest, byte[] signature) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        if (signature.length != k) {
            return false;
        }
        PSSSigner signer = signer(hash);
        signer.init(false, new RSAKeyParameters(false, key.getModulus(), key.getPublicExponent()));
        signer.update(digest, 0, digest.length);
        return signer.verifySignature(Arrays.copyOf(signature, signature.length));
    }

    private static PSSSigner signer(Hash hash) {
        return PSSSigner.createRawSigner(new RSABlindedEngine(), digest(hash), digest(hash), hash.length,
                PSSSigner.TRAILER_IMPLICIT);
    }

    private static Digest digest(Hash hash) {
        return switch (hash) {
            case SHA224 -> throw new IllegalArgumentException("RSA-PSS is not served with SHA-224");
            case SHA256 -> new SHA256Digest();
            case SHA384 -> new SHA384Digest();
            case SHA512 -> new SHA512Digest();
        };
    }
}
