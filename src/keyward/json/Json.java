package keyward.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A small, strict, bounded JSON (RFC 8259) reader and writer.
 *
 * <p>{@link #parse} gives {@code LinkedHashMap<String,Object>} for objects (a duplicate member
 * name is an error), {@code ArrayList<Object>} for arrays, {@code String}, {@code Boolean},
 * {@link #NULL} for null, {@code Long} for numbers written without fraction or exponent that fit
 * in a long ({@code -0} gives {@code 0L}), and {@code java.math.BigDecimal} for every other number.
 * It refuses anything RFC 8259 does not allow (comments, trailing commas, leading zeros, NaN,
 * raw control characters in strings, invalid UTF-8, unpaired surrogate escapes, trailing
 * garbage). It does not recurse, so nesting is limited only by {@link Limits#maxDepth()}; the
 * objects it builds are bounded by {@link Limits#maxValues()}; a number literal is limited to {@value JsonReader#MAX_NUMBER_CHARS} characters so that no
 * document can make the big-number conversion slow.
 *
 * <p>Every failure is a {@link JsonException} whose message names an offset or a limit and never
 * echoes document content. All methods are stateless and thread-safe.
 */
public final class Json {

    /** The JSON {@code null} value, as returned by {@link #parse}; {@link #write} accepts it. */
    public static final Object NULL = JsonNull.INSTANCE;

    /**
     * Bounds applied while parsing.
     *
     * @param maxDepth         most nested arrays/objects (a top-level array is depth 1)
     * @param maxStringLength  most UTF-16 chars in one string or member name
     * @param maxDocumentBytes most bytes in the UTF-8 document
     * @param maxValues        most values in the document, counting every object, array and
     *                         scalar at any depth (member names are not values)
     */
    public record Limits(int maxDepth, int maxStringLength, int maxDocumentBytes, int maxValues) {
        /** 64 levels, 1 MiB strings, 1 MiB documents, 16,384 values. */
        public static final Limits DEFAULT = new Limits(64, 1 << 20, 1 << 20);

        /**
         * Every byte a value can take is one more object to build: {@code [{},{},...]} makes one
         * map per 3 bytes (350,000 from 1 MiB, some 30 MB of heap). One value per 64 bytes of
         * the document limit, and never fewer than 8,192, bounds that to a few MB per 1 MiB while
         * the largest real request (a 1,000-item batch of objects with a few fields, some 6,000
         * values) fits under any document limit.
         */
        static final int BYTES_PER_VALUE = 64;
        static final int MIN_VALUES = 8192;

        public Limits {
            if (maxDepth < 1 || maxStringLength < 0 || maxDocumentBytes < 0 || maxValues < 1) {
                throw new IllegalArgumentException("JSON limits must be positive");
            }
        }

        /** With the value limit that goes with the document limit (see {@link #BYTES_PER_VALUE}). */
        public Limits(int maxDepth, int maxStringLength, int maxDocumentBytes) {
            this(maxDepth, maxStringLength, maxDocumentBytes,
                    Math.max(MIN_VALUES, maxDocumentBytes / BYTES_PER_VALUE));
        }

        /** For request bodies of at most {@code maxBodyBytes}: 64 levels, strings and documents up to that size. */
        public static Limits forBody(int maxBodyBytes) {
            return new Limits(DEFAULT.maxDepth(), maxBodyBytes, maxBodyBytes);
        }
    }

    private Json() {
    }

    /** Parses one UTF-8 JSON document; surrounding whitespace is allowed. */
    public static Object parse(byte[] utf8, Limits limits) {
        return new JsonReader(utf8, limits).parseDocument();
    }

    /** Parses one JSON document given as text (which must be well-formed UTF-16). */
    public static Object parse(String text, Limits limits) {
        if (text.length() > limits.maxDocumentBytes()) {
            throw JsonReader.tooLarge(limits);
        }
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new JsonException("malformed JSON: text contains an unpaired surrogate");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return parse(bytes, limits);
    }

    /**
     * Writes a value as compact JSON. Accepts {@code Map} with {@code String} keys, {@code List},
     * {@code String}, {@code Boolean}, {@code Long}, {@code Integer}, {@code Short}, {@code Byte},
     * {@code BigInteger}, {@code BigDecimal}, finite {@code Double} and {@code Float}, and
     * {@code null} or {@link #NULL}. Anything else (or a cycle, or nesting beyond 1000) is a
     * programming error: {@link IllegalArgumentException}.
     *
     * <p>Strings are escaped so the output is also valid JavaScript source (U+2028 and U+2029 are
     * escaped); {@code <} and {@code /} are not, so it is not safe to paste into an HTML script
     * element. An unpaired surrogate is written as a {@code \}u escape.
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(128);
        JsonWriter.write(out, value);
        return out.toString();
    }

    /** {@link #write} as UTF-8 bytes. */
    public static byte[] writeBytes(Object value) {
        return writeBytes(value, 0);
    }

    /** {@link #writeBytes(Object)} with room for {@code expectedChars} from the start (at least a kilobyte). */
    public static byte[] writeBytes(Object value, int expectedChars) {
        StringBuilder out = new StringBuilder(Math.max(1024, expectedChars)); // a response body: fewer regrowths than write's 128
        JsonWriter.write(out, value);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The type of {@link #NULL}: one instance, prints as {@code null}. */
    private enum JsonNull {
        INSTANCE;

        @Override
        public String toString() {
            return "null";
        }
    }
}
