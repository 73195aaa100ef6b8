package keyward.crypto;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;

/**
 * The Ed25519 key that signs audit checkpoints; the same on every instance of a deployment.
 * Key file: one line {@code keyward-audit-v1:<base64 PKCS#8>}, mode 0600. Immutable and
 * thread-safe.
 */
public final class AuditKey {

    static final String FILE_PREFIX = "keyward-audit-v1:";

    private final PrivateKey privateKey;
    private final byte[] publicKey;
    /** Bouncy Castle's Ed25519 signs about eight times faster than the JDK's; signatures are identical. */
    private final org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters signingKey;

    private AuditKey(PrivateKey privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        byte[] pkcs8 = privateKey.getEncoded();
        try {
            this.signingKey = (org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters)
                    org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(pkcs8);
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalStateException("not an Ed25519 key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    public static AuditKey generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
            gen.initialize(java.security.spec.NamedParameterSpec.ED25519, Rand.secureRandom());
            KeyPair pair = gen.generateKeyPair();
            return new AuditKey(pair.getPrivate(), pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK cannot generate Ed25519 keys", e);
        }
    }

    /**
     * @throws KeyFileException if missing, open to group or others, or not an Ed25519 PKCS#8 key
     */
    public static AuditKey load(Path file) {
        byte[] pkcs8 = KeyFile.read(file, FILE_PREFIX);
        try {
            PrivateKey key = AsymmetricKeys.privateKey(Algorithm.ED25519, pkcs8);
            return new AuditKey(key, AsymmetricKeys.publicHalf(Algorithm.ED25519, key));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException("key file " + file + " does not hold an Ed25519 PKCS#8 key");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * Writes the private key to a new file created with mode 0600.
     *
     * @throws KeyFileException if the file exists or cannot be written
     */
    public void save(Path file) {
        byte[] pkcs8 = privateKey.getEncoded();
        try {
            KeyFile.write(file, FILE_PREFIX, pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The 64-byte Ed25519 signature of {@code data}. */
    public byte[] sign(byte[] data) {
        org.bouncycastle.crypto.signers.Ed25519Signer s = new org.bouncycastle.crypto.signers.Ed25519Signer();
        s.init(true, signingKey);
        s.update(data, 0, data.length);
        return s.generateSignature();
    }

    public boolean verify(byte[] data, byte[] signature) {
        return verify(publicKey, data, signature);
    }

    /** Checks a signature against a published audit public key (SPKI DER); false for anything bad. */
    public static boolean verify(byte[] publicKeySpki, byte[] data, byte[] signature) {
        return Signatures.verify(Algorithm.ED25519, publicKeySpki, Signatures.Scheme.ED25519, data, false, signature);
    }

    /** The 32-byte Ed25519 seed, for {@link AuditChainKey} to derive from; the caller wipes it. */
    byte[] seedForDerivation() {
        return signingKey.getEncoded();
    }

    /** The public key, SPKI DER (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public String toString() {
        return "AuditKey[***]";
    }
}
