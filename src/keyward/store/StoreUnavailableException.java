package keyward.store;

/** The database (or Redis) cannot be reached or timed out; callers answer 503 with Retry-After. */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
