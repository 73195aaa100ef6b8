package keyward.http;

/**
 * One endpoint: method, path pattern ({@code /v1/keys/{ref}/encrypt}; a segment in braces
 * captures), the operation name used in audit, metrics and logs, and whether it needs a caller.
 */
record Route(String method, String[] segments, String operation, boolean authenticated, Handler handler) {

    /** The code behind a route. Throws the core's exceptions; the dispatcher maps them. */
    @FunctionalInterface
    interface Handler {
        Reply handle(Call call) throws Exception;
    }

    static Route of(String method, String pattern, String operation, boolean authenticated, Handler handler) {
        return new Route(method, pattern.substring(1).split("/"), operation, authenticated, handler);
    }

    /** Captured segments if the path matches, else null. Allocates only for a match. */
    String[] match(String[] path) {
        if (path.length != segments.length) {
            return null;
        }
        int captures = 0;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.startsWith("{")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                captures++;
            } else if (!s.equals(path[i])) {
                return null;
            }
        }
        String[] out = new String[captures];
        int c = 0;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].startsWith("{")) {
                out[c++] = path[i];
            }
        }
        return out;
    }
}
