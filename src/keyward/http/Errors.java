package keyward.http;

import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.crypto.CryptoInputException;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.UnsupportedByAlgorithmException;
import keyward.json.JsonException;
import keyward.log.Log;
import keyward.store.ConflictException;
import keyward.store.StoreUnavailableException;

/** The one place where exceptions become the error body of api.md. */
final class Errors {
    private Errors() {
    }

    /** A mapped error: code and the message safe to show. */
    record Mapped(ErrorCode code, String message) {
    }

    static Mapped map(Throwable t, String requestId) {
        if (t instanceof KwException e) {
            return new Mapped(e.code(), e.getMessage());
        }
        if (t instanceof JsonException e) {
            return new Mapped(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        if (t instanceof CryptoInputException e) {
            return new Mapped(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        if (t instanceof UnsupportedByAlgorithmException e) {
            return new Mapped(ErrorCode.INVALID_STATE, e.getMessage());
        }
        if (t instanceof DecryptionFailedException) {
            return new Mapped(ErrorCode.DECRYPTION_FAILED, "decryption failed");
        }
        if (t instanceof StoreUnavailableException) {
            Log.warn("request " + requestId + ": database unavailable: " + t.getMessage());
            return new Mapped(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later");
        }
        if (t instanceof ConflictException e) {
            return new Mapped(ErrorCode.CONFLICT, "concurrent modification; retry");
        }
        Log.error("request " + requestId + ": unexpected failure", t);
        return new Mapped(ErrorCode.INTERNAL, "internal error (request " + requestId + ")");
    }
}
