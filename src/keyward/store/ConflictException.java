package keyward.store;

/** A write lost to another: a name or id already taken, or a row changed since it was read. */
public final class ConflictException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Why the write was refused. */
    public enum Kind { NAME_TAKEN, ALREADY_EXISTS, STALE }

    private final Kind kind;

    public ConflictException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
