package keyward.crypto;

/**
 * A ciphertext or wrapped value did not open: tampered, truncated, wrong key, wrong AAD, unknown
 * format. Deliberately checked, so that no caller forgets the case, and deliberately vague: the
 * message is always "decryption failed", there is no cause, and there is no stack trace (so that a
 * flood of bad ciphertexts costs little and tells nothing).
 */
public final class DecryptionFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    public DecryptionFailedException() {
        super("decryption failed", null, false, false);
    }
}
