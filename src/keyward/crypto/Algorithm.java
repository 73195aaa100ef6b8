package keyward.crypto;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static keyward.crypto.Operation.DATAKEY;
import static keyward.crypto.Operation.DECRYPT;
import static keyward.crypto.Operation.ENCRYPT;
import static keyward.crypto.Operation.EXPORT;
import static keyward.crypto.Operation.MAC;
import static keyward.crypto.Operation.MAC_VERIFY;
import static keyward.crypto.Operation.PUBLIC_KEY;
import static keyward.crypto.Operation.REWRAP;
import static keyward.crypto.Operation.SIGN;
import static keyward.crypto.Operation.VERIFY;

/**
 * The key algorithms Keyward offers, with their API names and the operations each supports:
 * AEAD keys encrypt, decrypt, rewrap and make data keys; RSA keys do all that (OAEP-SHA256) and
 * sign; EC and Ed25519 keys sign; HMAC keys mac; {@code secret} is opaque data. Every algorithm can
 * be exported (subject to the key's own exportable flag, which is not this enum's business).
 */
public enum Algorithm {
    AES_128_GCM("aes-128-gcm", Family.AEAD, 16, null),
    AES_192_GCM("aes-192-gcm", Family.AEAD, 24, null),
    AES_256_GCM("aes-256-gcm", Family.AEAD, 32, null),
    CHACHA20_POLY1305("chacha20-poly1305", Family.AEAD, 32, null),
    HMAC_SHA256("hmac-sha256", Family.HMAC, 32, Hash.SHA256),
    HMAC_SHA384("hmac-sha384", Family.HMAC, 48, Hash.SHA384),
    HMAC_SHA512("hmac-sha512", Family.HMAC, 64, Hash.SHA512),
    RSA_2048("rsa-2048", Family.RSA, 2048, null),
    RSA_3072("rsa-3072", Family.RSA, 3072, null),
    RSA_4096("rsa-4096", Family.RSA, 4096, null),
    EC_P256("ec-p256", Family.EC, 256, Hash.SHA256),
    EC_P384("ec-p384", Family.EC, 384, Hash.SHA384),
    EC_P521("ec-p521", Family.EC, 521, Hash.SHA512),
    ED25519("ed25519", Family.ED25519, 256, null),
    SECRET("secret", Family.SECRET, 32, null);

    /** Groups of algorithms that share code paths. */
    enum Family {
        AEAD(EnumSet.of(ENCRYPT, DECRYPT, REWRAP, DATAKEY, EXPORT)),
        HMAC(EnumSet.of(MAC, MAC_VERIFY, EXPORT)),
        RSA(EnumSet.of(ENCRYPT, DECRYPT, REWRAP, DATAKEY, SIGN, VERIFY, PUBLIC_KEY, EXPORT)),
        EC(EnumSet.of(SIGN, VERIFY, PUBLIC_KEY, EXPORT)),
        ED25519(EnumSet.of(SIGN, VERIFY, PUBLIC_KEY, EXPORT)),
        SECRET(EnumSet.of(EXPORT));

        final Set<Operation> operations;

        Family(Set<Operation> operations) {
            this.operations = operations;
        }
    }

    private final String id;
    final Family family;
    /** Key bytes for AEAD, HMAC and secret (generated size); bits for RSA, EC and Ed25519. */
    final int size;
    /** The HMAC hash, or the default ECDSA hash of a curve. */
    final Hash hash;

    Algorithm(String id, Family family, int size, Hash hash) {
        this.id = id;
        this.family = family;
        this.size = size;
        this.hash = hash;
    }

    public String id() {
        return id;
    }

    /** The algorithm with this API name ("aes-256-gcm"), exact match. */
    public static Optional<Algorithm> parse(String id) {
        for (Algorithm a : values()) {
            if (a.id.equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public boolean supports(Operation op) {
        return family.operations.contains(op);
    }

    /**
     * @throws UnsupportedByAlgorithmException if this algorithm does not offer {@code op}
     */
    public void require(Operation op) {
        if (!supports(op)) {
            throw new UnsupportedByAlgorithmException(op.id() + " is not supported by " + id + " keys");
        }
    }

    /** Key bytes for AEAD, HMAC and secret (the generated size); bits for RSA, EC and Ed25519. */
    public int size() {
        return size;
    }

    /** True for RSA, EC and Ed25519: the key has a public half. */
    public boolean asymmetric() {
        return family == Family.RSA || family == Family.EC || family == Family.ED25519;
    }

    /** The largest plaintext {@link Envelope#encrypt} takes: the OAEP limit for RSA. */
    public int maxPlaintextLength() {
        if (family == Family.RSA) {
            return size / 8 - 2 * Hash.SHA256.length - 2;
        }
        return Integer.MAX_VALUE - 64;
    }
}
