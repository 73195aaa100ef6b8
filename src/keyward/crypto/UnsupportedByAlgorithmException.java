package keyward.crypto;

/**
 * The operation or signature scheme does not fit the key's algorithm (sign with an AES key,
 * rsa-pss-sha256 with an EC key, decrypt with a public-only key). The HTTP layer answers it as
 * 422 {@code invalid_state}.
 */
public final class UnsupportedByAlgorithmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnsupportedByAlgorithmException(String message) {
        super(message);
    }
}
