package keyward.http.wire;

import com.sun.net.httpserver.Headers;
import java.net.URI;

/**
 * A request line and headers as {@link HeadParser} accepted them.
 *
 * @param contentLength the declared body length, -1 when there is none (or it is chunked)
 * @param keepAlive     whether the client lets the connection serve another request
 */
record RequestHead(String method, URI uri, String protocol, Headers headers, long contentLength, boolean chunked,
                   boolean expectContinue, boolean keepAlive) {
    boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
