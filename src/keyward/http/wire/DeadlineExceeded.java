package keyward.http.wire;

import java.io.IOException;

/** Reading a request or writing its answer outlived its time, and the connection was closed. */
public final class DeadlineExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
        super(message);
    }
}
