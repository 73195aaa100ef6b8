package keyward.json;

/**
 * The slow path of string reading: escapes and strict UTF-8 decoding (RFC 3629: no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF). A {@code \}u escape of a surrogate must
 * be a high surrogate immediately followed by an escaped low one.
 */
final class JsonStrings {

    private JsonStrings() {
    }

    /**
     * Continues a string whose first part is already in {@code sb}; returns it once the closing
     * quote is read. {@code start} is the offset just after the opening quote.
     */
    static String finish(JsonReader r, StringBuilder sb, int start, int max) {
        byte[] in = r.input();
        int pos = r.position();
        while (true) {
            if (sb.length() > max) {
                throw r.tooLong(start);
            }
            if (pos >= in.length) {
                r.moveTo(pos);
                throw r.error("unexpected end of input");
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                r.moveTo(pos + 1);
                if (sb.length() > max) {
                    throw r.tooLong(start);
                }
                return sb.toString();
            }
            if (b == '\\') {
                pos = escape(r, in, pos, sb);
            } else if (b < 0x20) {
                r.moveTo(pos);
                throw r.error("control character in string");
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                pos = utf8(r, in, pos, sb);
            }
        }
    }

    /** Decodes the escape at {@code pos} (the backslash); returns the offset after it. */
    private static int escape(JsonReader r, byte[] in, int pos, StringBuilder sb) {
        if (pos + 1 >= in.length) {
            r.moveTo(in.length);
            throw r.error("unexpected end of input");
        }
        char c;
        switch (in[pos + 1]) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': return unicodeEscape(r, in, pos, sb);
            default:
                r.moveTo(pos);
                throw r.error("invalid escape");
        }
        sb.append(c);
        return pos + 2;
    }

    private static int unicodeEscape(JsonReader r, byte[] in, int pos, StringBuilder sb) {
        char c = (char) hex4(r, in, pos + 2);
        if (Character.isLowSurrogate(c)) {
            r.moveTo(pos);
            throw r.error("unpaired surrogate escape");
        }
        if (!Character.isHighSurrogate(c)) {
            sb.append(c);
            return pos + 6;
        }
        int next = pos + 6;
        if (next + 1 >= in.length || in[next] != '\\' || in[next + 1] != 'u') {
            r.moveTo(pos);
            throw r.error("unpaired surrogate escape");
        }
        char low = (char) hex4(r, in, next + 2);
        if (!Character.isLowSurrogate(low)) {
            r.moveTo(pos);
            throw r.error("unpaired surrogate escape");
        }
        sb.append(c).append(low);
        return next + 6;
    }

    private static int hex4(JsonReader r, byte[] in, int at) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int d = at + i < in.length ? Character.digit(in[at + i], 16) : -1;
            if (d < 0 || in[at + i] < 0) {
                r.moveTo(Math.min(at + i, in.length));
                throw r.error("invalid \\u escape");
            }
            value = value << 4 | d;
        }
        return value;
    }

    /** Decodes one multi-byte UTF-8 sequence at {@code pos}; returns the offset after it. */
    private static int utf8(JsonReader r, byte[] in, int pos, StringBuilder sb) {
        int b0 = in[pos] & 0xFF;
        int need;
        int min;
        int cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            min = 0x80;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            min = 0x800;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            min = 0x10000;
            cp = b0 & 0x07;
        } else {
            throw invalid(r, pos);
        }
        if (pos + need >= in.length) {
            throw invalid(r, pos);
        }
        for (int i = 1; i <= need; i++) {
            int b = in[pos + i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                throw invalid(r, pos);
            }
            cp = cp << 6 | (b & 0x3F);
        }
        if (cp < min || cp > Character.MAX_CODE_POINT
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            throw invalid(r, pos);
        }
        sb.appendCodePoint(cp);
        return pos + need + 1;
    }

    private static JsonException invalid(JsonReader r, int pos) {
        r.moveTo(pos);
        return r.error("invalid UTF-8");
    }
}
