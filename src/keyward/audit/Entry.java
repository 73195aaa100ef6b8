package keyward.audit;

import java.time.Instant;

/**
 * One recorded request waiting for its place in the chain: the fields as cleaned by
 * {@link #of}, so that every backend stores them exactly as they were hashed.
 */
record Entry(Instant time, String user, String operation, String keyRef, String outcome, String remote) {

    /** The longest field every store keeps (see the schema), in UTF-16 units. */
    static final int MAX_FIELD = 255;

    static Entry of(Instant time, String user, String operation, String keyRef, String outcome, String remote) {
        return new Entry(time, clean(user), required(operation), clean(keyRef), required(outcome), clean(remote));
    }

    private static String required(String s) {
        String c = clean(s);
        return c == null ? "-" : c;
    }

    /**
     * Null for null or empty (no store keeps an empty name); control characters and unpaired
     * surrogates become '?', since PostgreSQL refuses NUL and UTF-8 cannot carry a lone
     * surrogate unchanged; cut at {@link #MAX_FIELD}, never inside a surrogate pair. A request
     * path can be anything, and one unstorable entry must not stall the chain.
     */
    static String clean(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        int end = Math.min(s.length(), MAX_FIELD);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--;
        }
        StringBuilder sb = null;
        for (int i = 0; i < end; i++) {
            char ch = s.charAt(i);
            boolean paired = Character.isHighSurrogate(ch) ? i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(ch) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            boolean bad = Character.isISOControl(ch) || (Character.isSurrogate(ch) && !paired);
            if (bad && sb == null) {
                sb = new StringBuilder(s.substring(0, i));
            }
            if (sb != null) {
                sb.append(bad ? '?' : ch);
            }
        }
        return sb != null ? sb.toString() : end == s.length() ? s : s.substring(0, end);
    }
}
