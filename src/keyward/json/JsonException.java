package keyward.json;

/**
 * A JSON document or a request field that is not acceptable. The message is safe to show to the
 * user who sent the document: it names an offset, a field or a limit, never document content.
 */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
