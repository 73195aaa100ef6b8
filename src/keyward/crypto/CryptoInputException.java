package keyward.crypto;

/**
 * A caller-supplied value (key material, digest, PEM, plaintext size, ...) is not acceptable. The
 * message names what was wrong and what is allowed, and never contains the bytes themselves; the
 * HTTP layer answers it as 400 {@code invalid_request}.
 */
public final class CryptoInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CryptoInputException(String message) {
        super(message);
    }
}
