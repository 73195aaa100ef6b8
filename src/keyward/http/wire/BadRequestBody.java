package keyward.http.wire;

import java.io.IOException;

/**
 * A request body that breaks HTTP's framing (a bad chunk size, a chunk without its CRLF): the
 * client's mistake, answered 400. The connection is closed after the answer, since where the next
 * request would begin is unknown. The message names what was wrong and may be shown to the client.
 */
public final class BadRequestBody extends IOException {
    private static final long serialVersionUID = 1L;

    BadRequestBody(String message) {
        super(message);
    }
}
