package keyward.vault;

import java.util.List;
import keyward.core.KwException;
import keyward.crypto.CryptoInputException;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.UnsupportedByAlgorithmException;
import keyward.json.JsonException;
import keyward.log.Log;
import keyward.store.ConflictException;
import keyward.store.StoreUnavailableException;

/**
 * The one place where exceptions on Vault routes become Vault's error shape and statuses: bad
 * input 400, bad or missing token and missing rights 403 ("permission denied", as Vault), not
 * found 404, wrong method 405, rate limit 429, store down 503, anything unexpected a logged 500.
 * A key's state or algorithm refusing the operation is a 400, as Vault answers it.
 */
public final class VaultErrors {
    private VaultErrors() {
    }

    /** The error answer for {@code t}; {@code requestId} names an unexpected failure in the log. */
    public static VaultReply reply(Throwable t, String requestId, String operation) {
        int status;
        String message;
        if (t instanceof NotFound) {
            return new VaultReply(404, Answers.errors(List.of()), operation, null);
        } else if (t instanceof KwException e) {
            message = e.getMessage();
            status = switch (e.code()) {
                case INVALID_REQUEST, INVALID_STATE, DECRYPTION_FAILED, CONFLICT, UNSUPPORTED_MEDIA_TYPE -> 400;
                case UNAUTHENTICATED, FORBIDDEN -> 403;
                case NOT_FOUND -> 404;
                case METHOD_NOT_ALLOWED -> 405;
                case TOO_LARGE -> 413;
                case TOO_MANY_REQUESTS -> 429;
                case UNAVAILABLE -> 503;
                case INTERNAL -> 500;
            };
            if (status == 403) {
                message = "permission denied";
            }
        } else if (t instanceof JsonException || t instanceof CryptoInputException) {
            status = 400;
            message = t.getMessage();
        } else if (t instanceof UnsupportedByAlgorithmException) {
            status = 400;
            message = t.getMessage();
        } else if (t instanceof DecryptionFailedException) {
            status = 400;
            message = "decryption failed";
        } else if (t instanceof StoreUnavailableException) {
            Log.warn("request " + requestId + ": database unavailable: " + t.getMessage());
            status = 503;
            message = "the database is unavailable; retry later";
        } else if (t instanceof ConflictException) {
            status = 400;
            message = "concurrent modification; retry";
        } else {
            Log.error("request " + requestId + ": unexpected failure", t);
            status = 500;
            message = "internal error (request " + requestId + ")";
        }
        return new VaultReply(status, Answers.errors(List.of(message)), operation, null);
    }

    /** A plain Vault "not found": 404 with an empty errors list (a missing secret or path). */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound() {
            super(null, null, false, false);
        }
    }
}
